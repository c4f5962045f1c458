/**
 * Encryption Request (clientbound login 0x01) and Encryption Response (serverbound login 0x01).
 * 1.7 prefixes the byte arrays with a short, 1.8+ with a VarInt; 1.19–1.19.2 let a client with a
 * chat-signing key send a signed salt instead of the verify token; 1.20.5 adds shouldAuthenticate.
 */
import { InfrarustError } from '../../errors.ts';
import { PacketReader } from '../packet-reader.ts';
import { PacketWriter } from '../packet-writer.ts';
import { PV, packetOf } from './protocol-versions.ts';

export const ENCRYPTION_REQUEST_ID = 0x01;
export const ENCRYPTION_RESPONSE_ID = 0x01;
/** An RSA-1024 ciphertext is 128 bytes; vanilla allows up to 256 for these arrays. */
const MAX_ENCRYPTED = 256;

export interface EncryptionRequest {
  publicKey: Buffer;
  verifyToken: Buffer;
  /** 1.20.5+: false tells the client not to call the session server (offline login with encryption). */
  shouldAuthenticate: boolean;
}

export type EncryptionResponse =
  | { sharedSecret: Buffer; verifyToken: Buffer }
  /** 1.19–1.19.2 with a chat-signing key: a salt and a signature instead of the token. */
  | { sharedSecret: Buffer; salt: bigint; signature: Buffer };

/** Encryption Request as id + body; serverId is always "" as vanilla sends it since 1.7. */
export function encodeEncryptionRequest(req: EncryptionRequest, protocol: number): Buffer {
  const w = new PacketWriter(req.publicKey.length + req.verifyToken.length + 16).string('');
  writeArray(w, req.publicKey, protocol);
  writeArray(w, req.verifyToken, protocol);
  if (protocol >= PV.V1_20_5) w.bool(req.shouldAuthenticate);
  return packetOf(ENCRYPTION_REQUEST_ID, w.toBuffer());
}

/** Decodes an Encryption Response packet (id + body). */
export function decodeEncryptionResponse(packet: Buffer, protocol: number): EncryptionResponse {
  const r = new PacketReader(packet);
  const id = r.varInt();
  if (id !== ENCRYPTION_RESPONSE_ID) {
    throw new InfrarustError('IR_ERR_PROTO_UNEXPECTED_PACKET', `expected Encryption Response (0x01), got 0x${id.toString(16)}`);
  }
  const sharedSecret = readArray(r, protocol);
  if (protocol >= PV.V1_19 && protocol < PV.V1_19_3 && !r.bool()) {
    return { sharedSecret, salt: r.i64(), signature: r.byteArray(MAX_ENCRYPTED * 16) };
  }
  return { sharedSecret, verifyToken: readArray(r, protocol) };
}

function writeArray(w: PacketWriter, value: Buffer, protocol: number): void {
  if (protocol >= PV.V1_8) w.byteArray(value);
  else w.u16(value.length).bytes(value);
}

function readArray(r: PacketReader, protocol: number): Buffer {
  if (protocol >= PV.V1_8) return r.byteArray(MAX_ENCRYPTED);
  const length = r.u16();
  if (length > MAX_ENCRYPTED) {
    throw new InfrarustError('IR_ERR_PROTO_FIELD_INVALID', `encrypted field of ${length} bytes is longer than the ${MAX_ENCRYPTED} allowed`);
  }
  return r.bytes(length);
}
