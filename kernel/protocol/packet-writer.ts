/**
 * Builds packet bodies field by field into one growing buffer, and frames them. Used for the few
 * packets the proxy itself sends (handshake rewrites, disconnects, status), not for relaying.
 */
import { InfrarustError } from '../errors.ts';
import { varIntSize, writeVarIntInto, writeVarLong } from './varint.ts';
import { uuidToBytes } from './uuid.ts';

/** Largest frame body a 3-byte length VarInt can describe (vanilla's Varint21 framing). */
export const MAX_FRAME_LENGTH = 0x1fffff;

export class PacketWriter {
  private buf: Buffer;
  private len = 0;

  constructor(initialCapacity = 64) {
    this.buf = Buffer.allocUnsafe(initialCapacity);
  }

  /** Makes room for `n` more bytes, doubling so a long packet costs O(log n) copies. */
  private reserve(n: number): void {
    const needed = this.len + n;
    if (needed <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(needed, this.buf.length * 2));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  varInt(value: number): this {
    this.reserve(5);
    this.len = writeVarIntInto(this.buf, this.len, value);
    return this;
  }

  varLong(value: bigint): this {
    return this.bytes(writeVarLong(value));
  }

  /** A VarInt byte-length prefix and the UTF-8 bytes. */
  string(value: string): this {
    const n = Buffer.byteLength(value, 'utf8');
    this.varInt(n);
    this.reserve(n);
    this.len += this.buf.write(value, this.len, n, 'utf8');
    return this;
  }

  u8(value: number): this {
    this.reserve(1);
    this.buf[this.len++] = value & 0xff;
    return this;
  }

  bool(value: boolean): this {
    return this.u8(value ? 1 : 0);
  }

  u16(value: number): this {
    this.reserve(2);
    this.len = this.buf.writeUInt16BE(value & 0xffff, this.len);
    return this;
  }

  i32(value: number): this {
    this.reserve(4);
    this.len = this.buf.writeInt32BE(value | 0, this.len);
    return this;
  }

  i64(value: bigint): this {
    this.reserve(8);
    this.len = this.buf.writeBigInt64BE(BigInt.asIntN(64, value), this.len);
    return this;
  }

  /** A UUID written dashed or undashed, as 16 bytes. */
  uuid(value: string): this {
    return this.bytes(uuidToBytes(value));
  }

  bytes(value: Uint8Array): this {
    this.reserve(value.length);
    this.buf.set(value, this.len);
    this.len += value.length;
    return this;
  }

  /** A VarInt length prefix and the bytes. */
  byteArray(value: Uint8Array): this {
    return this.varInt(value.length).bytes(value);
  }

  /** The bytes written so far, as a view: do not keep writing after taking it. */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

function checkFrameLength(length: number): void {
  if (length > MAX_FRAME_LENGTH) {
    throw new InfrarustError(
      'IR_ERR_PROTO_FRAME_TOO_BIG',
      `cannot send a ${length}-byte frame: the protocol limit is ${MAX_FRAME_LENGTH} bytes`,
    );
  }
}

/** An uncompressed frame: VarInt length of id+body, VarInt id, body. One allocation. */
export function encodePacket(id: number, body: Uint8Array): Buffer {
  const length = varIntSize(id) + body.length;
  checkFrameLength(length);
  const out = Buffer.allocUnsafe(varIntSize(length) + length);
  let pos = writeVarIntInto(out, 0, length);
  pos = writeVarIntInto(out, pos, id);
  out.set(body, pos);
  return out;
}

/** Prefixes an already-built packet (id + body) with its VarInt length. */
export function encodeFrame(packet: Uint8Array): Buffer {
  checkFrameLength(packet.length);
  const out = Buffer.allocUnsafe(varIntSize(packet.length) + packet.length);
  out.set(packet, writeVarIntInto(out, 0, packet.length));
  return out;
}
