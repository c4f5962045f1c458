/**
 * Sequential reads over one packet (id + body). Every read checks bounds and throws
 * IR_ERR_PROTO_TRUNCATED instead of returning garbage: packets come from untrusted peers.
 * Byte fields are zero-copy views of the packet.
 */
import { InfrarustError } from '../errors.ts';
import { readVarInt, readVarLong } from './varint.ts';
import { bytesToUuid } from './uuid.ts';

export class PacketReader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    offset = 0,
  ) {
    this.pos = offset;
  }

  /** Position of the next read. */
  get offset(): number {
    return this.pos;
  }

  /** Bytes left after the current position. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private truncated(what: string): InfrarustError {
    return new InfrarustError(
      'IR_ERR_PROTO_TRUNCATED',
      `packet ended while reading ${what} at offset ${this.pos} (${this.remaining} bytes left)`,
    );
  }

  /** Throws unless `n` more bytes are available. */
  private need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) throw this.truncated(what);
  }

  varInt(): number {
    const r = readVarInt(this.buf, this.pos);
    if (r === null) throw this.truncated('a VarInt');
    this.pos += r.size;
    return r.value;
  }

  varLong(): bigint {
    const r = readVarLong(this.buf, this.pos);
    if (r === null) throw this.truncated('a VarLong');
    this.pos += r.size;
    return r.value;
  }

  /** A non-negative VarInt length prefix. */
  private length(what: string): number {
    const len = this.varInt();
    if (len < 0) {
      throw new InfrarustError('IR_ERR_PROTO_FIELD_INVALID', `${what} has a negative length (${len})`);
    }
    return len;
  }

  /**
   * A VarInt-prefixed UTF-8 string of at most `maxChars` UTF-16 units (Java's String.length,
   * which is also JS's). The byte length is checked first so a huge prefix never gets decoded.
   */
  string(maxChars: number): string {
    const len = this.length('a string');
    if (len > maxChars * 3) {
      throw new InfrarustError(
        'IR_ERR_PROTO_STRING_TOO_LONG',
        `string of ${len} bytes cannot fit in ${maxChars} characters`,
      );
    }
    this.need(len, 'a string');
    const s = this.buf.toString('utf8', this.pos, this.pos + len);
    if (s.length > maxChars) {
      throw new InfrarustError(
        'IR_ERR_PROTO_STRING_TOO_LONG',
        `string of ${s.length} characters is longer than the ${maxChars} allowed`,
      );
    }
    this.pos += len;
    return s;
  }

  u8(): number {
    this.need(1, 'a byte');
    return this.buf[this.pos++];
  }

  bool(): boolean {
    return this.u8() !== 0;
  }

  u16(): number {
    this.need(2, 'an unsigned short');
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  i32(): number {
    this.need(4, 'an int');
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  i64(): bigint {
    this.need(8, 'a long');
    const v = this.buf.readBigInt64BE(this.pos);
    this.pos += 8;
    return v;
  }

  /** A UUID as 16 big-endian bytes, returned dashed lowercase. */
  uuid(): string {
    this.need(16, 'a UUID');
    const s = bytesToUuid(this.buf, this.pos);
    this.pos += 16;
    return s;
  }

  /** The next `n` bytes, as a view. */
  bytes(n: number): Buffer {
    this.need(n, `${n} bytes`);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** VarInt-prefixed bytes of at most `maxBytes`, as a view. */
  byteArray(maxBytes: number): Buffer {
    const len = this.length('a byte array');
    if (len > maxBytes) {
      throw new InfrarustError(
        'IR_ERR_PROTO_FIELD_INVALID',
        `byte array of ${len} bytes is longer than the ${maxBytes} allowed`,
      );
    }
    return this.bytes(len);
  }

  /** Everything left, as a view. */
  rest(): Buffer {
    const b = this.buf.subarray(this.pos);
    this.pos = this.buf.length;
    return b;
  }
}
