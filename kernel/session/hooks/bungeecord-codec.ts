/**
 * The BungeeCord plugin-message channel's wire formats. The packet is a play `custom_payload`
 * (channel name, then the data to the end of the packet, 1.8+); the data is what Java's
 * DataOutputStream writes: `writeUTF` (u16 byte length + modified UTF-8), `writeInt` (i32 BE),
 * `writeShort` (i16 BE). Every read checks bounds and throws an InfrarustError on bad input, so a
 * malformed payload is one catch in the hook.
 */
import { InfrarustError } from '../../errors.ts';
import { PacketReader } from '../../protocol/packet-reader.ts';
import { PacketWriter } from '../../protocol/packet-writer.ts';

/** The channel from 1.13 (namespaced identifiers) and before. */
export const MODERN_CHANNEL = 'bungeecord:main';
export const LEGACY_CHANNEL = 'BungeeCord';
const V1_13 = 393;

/** Vanilla's limit on a serverbound custom payload's data (what a backend accepts from us). */
export const MAX_SERVERBOUND_DATA = 32767;
/** Longest channel name we read (vanilla's identifier limit). */
const MAX_CHANNEL_CHARS = 32767;

/** The channel name a backend of `protocol` expects: `bungeecord:main` from 1.13, `BungeeCord` before. */
export function bungeeChannelFor(protocol: number): string {
  return protocol >= V1_13 ? MODERN_CHANNEL : LEGACY_CHANNEL;
}

/** Either spelling, whatever the version (as Velocity accepts both). */
export function isBungeeChannel(channel: string): boolean {
  return channel === MODERN_CHANNEL || channel === LEGACY_CHANNEL;
}

export interface PluginMessage {
  readonly channel: string;
  readonly data: Buffer;
}

/** `custom_payload` (id + body, 1.8+) → channel and data. */
export function decodePluginMessage(packet: Buffer): PluginMessage {
  const reader = new PacketReader(packet);
  reader.varInt();
  const channel = reader.string(MAX_CHANNEL_CHARS);
  return { channel, data: reader.rest() };
}

/** A `custom_payload` packet (id + body, 1.8+). */
export function encodePluginMessage(id: number, channel: string, data: Uint8Array): Buffer {
  return new PacketWriter(data.length + channel.length + 8).varInt(id).string(channel).bytes(data).toBuffer();
}

function malformed(message: string): InfrarustError {
  return new InfrarustError('IR_ERR_PROTO_FIELD_INVALID', `BungeeCord payload: ${message}`);
}

/**
 * Java's modified UTF-8 (DataInput.readUTF): 1–3 byte sequences of UTF-16 code units, NUL as
 * C0 80, supplementary characters as two 3-byte surrogates. 4-byte forms are invalid.
 */
export function decodeModifiedUtf8(bytes: Uint8Array): string {
  const units: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const a = bytes[i]!;
    if (a < 0x80) {
      units.push(a);
      i += 1;
    } else if ((a & 0xe0) === 0xc0 && i + 1 < bytes.length && (bytes[i + 1]! & 0xc0) === 0x80) {
      units.push(((a & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
      i += 2;
    } else if ((a & 0xf0) === 0xe0 && i + 2 < bytes.length && (bytes[i + 1]! & 0xc0) === 0x80 && (bytes[i + 2]! & 0xc0) === 0x80) {
      units.push(((a & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
      i += 3;
    } else {
      throw malformed(`bad modified UTF-8 at byte ${i}`);
    }
  }
  // Chunked: String.fromCharCode's argument count is limited (at most 65535 units here anyway).
  let out = '';
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.slice(i, i + 8192));
  return out;
}

/** The inverse of decodeModifiedUtf8 (DataOutput.writeUTF's encoding, without the length). */
export function encodeModifiedUtf8(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x01 && c <= 0x7f) out.push(c);
    else if (c <= 0x7ff) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Buffer.from(out);
}

/** Sequential reads over a BungeeCord payload (Java DataInput). */
export class DataInput {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private take(n: number, what: string): Buffer {
    if (this.pos + n > this.buf.length) {
      throw new InfrarustError('IR_ERR_PROTO_TRUNCATED', `BungeeCord payload: ${what} needs ${n} bytes, ${this.remaining} left`);
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  readUTF(): string {
    const length = this.take(2, 'a string length').readUInt16BE(0);
    return decodeModifiedUtf8(this.take(length, 'a string'));
  }

  readInt(): number {
    return this.take(4, 'an int').readInt32BE(0);
  }

  readShort(): number {
    return this.take(2, 'a short').readInt16BE(0);
  }

  /** The bytes not read yet (a view). */
  rest(): Buffer {
    return this.take(this.remaining, 'the rest');
  }
}

/** Sequential writes of a BungeeCord payload (Java DataOutput). */
export class DataOutput {
  private readonly parts: Buffer[] = [];

  writeUTF(text: string): this {
    const bytes = encodeModifiedUtf8(text);
    if (bytes.length > 0xffff) throw new InfrarustError('IR_ERR_PROTO_STRING_TOO_LONG', `BungeeCord payload: a string of ${bytes.length} bytes (writeUTF allows 65535)`);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(bytes.length, 0);
    this.parts.push(length, bytes);
    return this;
  }

  writeInt(value: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value | 0, 0);
    this.parts.push(b);
    return this;
  }

  /** An unsigned 16-bit value written as Java's short (a port). */
  writeShort(value: number): this {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(value & 0xffff, 0);
    this.parts.push(b);
    return this;
  }

  writeBytes(bytes: Uint8Array): this {
    this.parts.push(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/**
 * A payload of UTF strings (most answers).
 * @example utfPayload('GetServer', 'lobby')
 */
export function utfPayload(...strings: string[]): Buffer {
  const out = new DataOutput();
  for (const s of strings) out.writeUTF(s);
  return out.toBuffer();
}
