/**
 * Status state packets: Status Request/Response (0x00) and Ping/Pong (0x01). Used to answer
 * pings from the proxy itself and to query backends for the status cache.
 */
import { InfrarustError } from '../../errors.ts';
import { PacketReader } from '../packet-reader.ts';
import { PacketWriter, encodePacket } from '../packet-writer.ts';

/**
 * Bound on the status JSON. Vanilla writes it with a 32767-char limit, but modded servers send
 * far more (mod lists, favicons), so we accept anything that fits in a frame: 262144 chars.
 */
export const MAX_STATUS_JSON = 262144;

const EMPTY: Buffer = Buffer.alloc(0);

function expectId(r: PacketReader, id: number, what: string): void {
  const got = r.varInt();
  if (got !== id) {
    throw new InfrarustError('IR_ERR_PROTO_UNEXPECTED_PACKET', `expected ${what} (0x0${id}), got 0x${got.toString(16)}`);
  }
}

/** Full frame of the Status Request (id 0x00, empty body). */
export function encodeStatusRequest(): Buffer {
  return encodePacket(0x00, EMPTY);
}

/** Throws unless the packet ended exactly where its last field did. */
function expectEnd(r: PacketReader, what: string, body: string): void {
  if (r.remaining > 0) {
    throw new InfrarustError('IR_ERR_PROTO_UNEXPECTED_PACKET', `expected ${what} with ${body}, got ${r.remaining} more bytes`);
  }
}

/** Checks that `packet` is a Status Request: id 0x00 and an empty body, nothing else. */
export function decodeStatusRequest(packet: Buffer): void {
  const r = new PacketReader(packet);
  expectId(r, 0x00, 'Status Request');
  expectEnd(r, 'a Status Request', 'an empty body');
}

/** Full frame of the Status Response carrying `json`. */
export function encodeStatusResponse(json: string): Buffer {
  return encodePacket(0x00, new PacketWriter(json.length + 8).string(json).toBuffer());
}

/** The JSON text of a Status Response. */
export function decodeStatusResponse(packet: Buffer): string {
  const r = new PacketReader(packet);
  expectId(r, 0x00, 'Status Response');
  return r.string(MAX_STATUS_JSON);
}

/** Full frame of a Ping or Pong (id 0x01): the same 8-byte payload goes both ways. */
export function encodePong(payload: bigint | Buffer): Buffer {
  const body = Buffer.allocUnsafe(8);
  if (typeof payload === 'bigint') body.writeBigInt64BE(BigInt.asIntN(64, payload));
  else if (payload.length === 8) payload.copy(body);
  else throw new RangeError(`ping payload must be 8 bytes, got ${payload.length}`);
  return encodePacket(0x01, body);
}

/** Ping Request and Pong Response share a layout. */
export const encodePing = encodePong;

/** The 8-byte payload of a Ping (or Pong), as a view to echo back verbatim; exactly 8 bytes. */
export function decodePing(packet: Buffer): Buffer {
  const r = new PacketReader(packet);
  expectId(r, 0x01, 'Ping');
  const payload = r.bytes(8);
  expectEnd(r, 'a Ping', 'an 8-byte body');
  return payload;
}

/** Pong Response shares the Ping layout. */
export const decodePong = decodePing;
