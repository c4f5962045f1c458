/**
 * The part of network NBT that chat components need (1.20.3+): compounds, strings, bytes and
 * lists of compounds, written as an anonymous root (1.20.2 dropped the root tag's name on the
 * network: type byte, then the payload). Not a general NBT library.
 */
import { InfrarustError } from '../../errors.ts';
import type { PacketWriter } from '../packet-writer.ts';

export const TAG_END = 0;
export const TAG_BYTE = 1;
export const TAG_STRING = 8;
export const TAG_LIST = 9;
export const TAG_COMPOUND = 10;

/** NBT strings carry a u16 byte length. */
const MAX_NBT_STRING = 0xffff;

/**
 * Java's modified UTF-8 (DataOutput.writeUTF, what NbtIo reads): U+0000 as C0 80 and characters
 * outside the BMP as two 3-byte surrogates, so an emoji is not the 4-byte UTF-8 sequence a
 * client would refuse.
 */
export function modifiedUtf8(value: string): Buffer {
  if (/^[\u0001-\u007f]*$/.test(value)) return Buffer.from(value, 'latin1');
  const out: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i); // UTF-16 units: surrogates are encoded one by one, as Java does
    if (c >= 0x01 && c <= 0x7f) out.push(c);
    else if (c <= 0x7ff) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Buffer.from(out);
}

/** Writes NBT into a PacketWriter, so a component lands in the packet body without a copy. */
export class NbtWriter {
  constructor(private readonly w: PacketWriter) {}

  /** A u16 length and the modified UTF-8 bytes (a tag name or a string payload). */
  string(value: string): this {
    const bytes = modifiedUtf8(value);
    if (bytes.length > MAX_NBT_STRING) {
      throw new InfrarustError('IR_ERR_PROTO_STRING_TOO_LONG', `an NBT string is ${bytes.length} bytes: the limit is ${MAX_NBT_STRING}`);
    }
    this.w.u16(bytes.length).bytes(bytes);
    return this;
  }

  /** The root's type byte, with no name (network NBT since 1.20.2). */
  anonymousRoot(type: number): this {
    this.w.u8(type);
    return this;
  }

  /** A named entry's header inside a compound: type, then name. */
  named(type: number, name: string): this {
    this.w.u8(type);
    return this.string(name);
  }

  namedString(name: string, value: string): this {
    return this.named(TAG_STRING, name).string(value);
  }

  namedByte(name: string, value: number): this {
    this.named(TAG_BYTE, name);
    this.w.u8(value);
    return this;
  }

  /** A list's header: element type and count (the elements follow, unnamed). */
  listHeader(elementType: number, count: number): this {
    this.w.u8(elementType).i32(count);
    return this;
  }

  /** Closes a compound. */
  end(): this {
    this.w.u8(TAG_END);
    return this;
  }
}
