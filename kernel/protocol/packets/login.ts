/**
 * Login Start (serverbound 0x00) and login Disconnect (clientbound 0x00). Login Start's layout
 * changed four times between 1.19 and 1.20.2, so decoding needs the handshake's protocol version.
 */
import { InfrarustError } from '../../errors.ts';
import { PacketReader } from '../packet-reader.ts';
import { PacketWriter, encodePacket } from '../packet-writer.ts';
import { offlineUuid } from '../uuid.ts';
import { PV } from './protocol-versions.ts';

export interface LoginStart {
  name: string;
  /** The client's profile UUID, dashed lowercase; absent before 1.19.1 or when the client omitted it. */
  uuid?: string;
  /**
   * 1.19–1.19.2: the client's chat-signing public key (X.509 DER) when it sent one. Such a client
   * answers the Encryption Request with a salt signed by this key instead of the verify token.
   */
  chatKey?: Buffer;
}

const MAX_NAME = 16;
/** Vanilla's bounds on 1.19's ProfilePublicKey.Data. */
const MAX_PUBLIC_KEY = 512;
const MAX_KEY_SIGNATURE = 4096;
/** Vanilla reads chat components of up to 262144 chars. */
const MAX_COMPONENT = 262144;

/**
 * Decodes Login Start for `protocolVersion`. Trailing bytes are ignored rather than rejected:
 * the proxy only needs the name and UUID, and a newer client adding a field should still route.
 */
export function decodeLoginStart(packet: Buffer, protocolVersion: number): LoginStart {
  const r = new PacketReader(packet);
  const id = r.varInt();
  if (id !== 0x00) {
    throw new InfrarustError('IR_ERR_PROTO_UNEXPECTED_PACKET', `expected Login Start (0x00), got 0x${id.toString(16)}`);
  }
  const name = r.string(MAX_NAME);
  if (protocolVersion < PV.V1_19) return { name };
  if (protocolVersion >= PV.V1_20_2) return { name, uuid: r.uuid() };
  const chatKey = protocolVersion <= PV.V1_19_1 ? readSignatureData(r) : undefined;
  const start: LoginStart = chatKey === undefined ? { name } : { name, chatKey };
  if (protocolVersion === PV.V1_19) return start;
  if (r.bool()) start.uuid = r.uuid();
  return start;
}

/** 1.19–1.19.2's optional chat signing key: expiry, public key, Mojang's signature of it. */
function readSignatureData(r: PacketReader): Buffer | undefined {
  if (!r.bool()) return undefined;
  r.i64();
  const key = r.byteArray(MAX_PUBLIC_KEY);
  r.byteArray(MAX_KEY_SIGNATURE);
  return Buffer.from(key);
}

/**
 * A full frame of Login Start for `protocolVersion`, without signature data. From 1.20.2 the UUID
 * is mandatory; when absent the offline-mode UUID of `name` is sent.
 */
export function encodeLoginStart(login: LoginStart, protocolVersion: number): Buffer {
  const w = new PacketWriter().string(login.name);
  if (protocolVersion >= PV.V1_20_2) {
    w.uuid(login.uuid ?? offlineUuid(login.name));
  } else if (protocolVersion >= PV.V1_19) {
    if (protocolVersion <= PV.V1_19_1) w.bool(false);
    if (protocolVersion > PV.V1_19) {
      w.bool(login.uuid !== undefined);
      if (login.uuid !== undefined) w.uuid(login.uuid);
    }
  }
  return encodePacket(0x00, w.toBuffer());
}

/** A full frame of the login-state Disconnect: `jsonText` is a JSON chat component, e.g. '{"text":"Bye"}'. */
export function encodeLoginDisconnect(jsonText: string): Buffer {
  if (jsonText.length > MAX_COMPONENT) {
    throw new InfrarustError('IR_ERR_PROTO_STRING_TOO_LONG', `disconnect reason is over ${MAX_COMPONENT} characters`);
  }
  return encodePacket(0x00, new PacketWriter(jsonText.length + 8).string(jsonText).toBuffer());
}
