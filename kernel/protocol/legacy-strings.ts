/**
 * Pre-netty (1.6 and older) strings: a big-endian u16 count of UTF-16 code units, then UTF-16BE.
 */
import { InfrarustError } from '../errors.ts';

/** A decoded legacy string and the offset just past it. */
export interface LegacyString {
  value: string;
  end: number;
}

/** Reads a legacy string at `offset`; null if `buf` ends first; throws past `maxChars`. */
export function readLegacyString(buf: Buffer, offset: number, maxChars: number, what: string): LegacyString | null {
  if (offset + 2 > buf.length) return null;
  const chars = buf.readUInt16BE(offset);
  if (chars > maxChars) {
    throw new InfrarustError('IR_ERR_PROTO_HANDSHAKE_INVALID', `legacy ${what} is ${chars} characters, over ${maxChars}`);
  }
  const end = offset + 2 + chars * 2;
  if (end > buf.length) return null;
  return { value: decodeUtf16BE(buf.subarray(offset + 2, end)), end };
}

/** Node only decodes UTF-16LE, so swap a copy's byte pairs first (legacy strings are tiny). */
export function decodeUtf16BE(bytes: Buffer): string {
  return Buffer.from(bytes).swap16().toString('utf16le');
}

/** The UTF-16BE bytes of `s`, without a length prefix. */
export function encodeUtf16BE(s: string): Buffer {
  return Buffer.from(s, 'utf16le').swap16();
}

/** A legacy string: u16 char count, then UTF-16BE. */
export function encodeLegacyString(s: string): Buffer {
  const out = Buffer.allocUnsafe(2 + s.length * 2);
  out.writeUInt16BE(s.length, 0);
  encodeUtf16BE(s).copy(out, 2);
  return out;
}
