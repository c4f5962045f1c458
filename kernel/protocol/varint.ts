/**
 * VarInt / VarLong: the protocol's little-endian base-128 integers (7 bits per byte, high bit =
 * "more follows"). VarInts are 32-bit two's complement, so -1 takes the full 5 bytes.
 */
import { InfrarustError } from '../errors.ts';

/** A decoded VarInt and how many bytes it took. */
export interface VarIntResult {
  value: number;
  size: number;
}

/** A decoded VarLong and how many bytes it took. */
export interface VarLongResult {
  value: bigint;
  size: number;
}

export const VARINT_MAX_BYTES = 5;
export const VARLONG_MAX_BYTES = 10;

/** Reads a VarInt at `offset`; null when `buf` ends first (wait for more bytes). */
export function readVarInt(buf: Buffer, offset: number): VarIntResult | null {
  let value = 0;
  for (let i = 0; i < VARINT_MAX_BYTES; i++) {
    const pos = offset + i;
    if (pos >= buf.length) return null;
    const byte = buf[pos];
    value |= (byte & 0x7f) << (7 * i);
    if ((byte & 0x80) === 0) return { value, size: i + 1 };
  }
  throw new InfrarustError(
    'IR_ERR_PROTO_VARINT_TOO_BIG',
    `VarInt at offset ${offset} is longer than 5 bytes: the peer is not speaking the Minecraft protocol`,
  );
}

/** Number of bytes `value` takes as a VarInt (1..5); negative values take 5. */
export function varIntSize(value: number): number {
  const v = value >>> 0;
  if (v < 0x80) return 1;
  if (v < 0x4000) return 2;
  if (v < 0x200000) return 3;
  if (v < 0x10000000) return 4;
  return 5;
}

/** Writes `value` as a VarInt into `buf` at `offset`; returns the offset just past it. */
export function writeVarIntInto(buf: Buffer, offset: number, value: number): number {
  let v = value >>> 0;
  while (v >= 0x80) {
    buf[offset++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[offset++] = v;
  return offset;
}

/** Encodes `value` as a new VarInt buffer. */
export function writeVarInt(value: number): Buffer {
  const buf = Buffer.allocUnsafe(varIntSize(value));
  writeVarIntInto(buf, 0, value);
  return buf;
}

/** Reads a VarLong (signed 64-bit) at `offset`; null when `buf` ends first. */
export function readVarLong(buf: Buffer, offset: number): VarLongResult | null {
  let value = 0n;
  for (let i = 0; i < VARLONG_MAX_BYTES; i++) {
    const pos = offset + i;
    if (pos >= buf.length) return null;
    const byte = buf[pos];
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return { value: BigInt.asIntN(64, value), size: i + 1 };
  }
  throw new InfrarustError(
    'IR_ERR_PROTO_VARINT_TOO_BIG',
    `VarLong at offset ${offset} is longer than 10 bytes: the peer is not speaking the Minecraft protocol`,
  );
}

/** Number of bytes `value` takes as a VarLong (1..10). */
export function varLongSize(value: bigint): number {
  let v = BigInt.asUintN(64, value);
  let size = 1;
  while (v >= 0x80n) {
    v >>= 7n;
    size++;
  }
  return size;
}

/** Encodes `value` (taken modulo 2^64) as a new VarLong buffer. */
export function writeVarLong(value: bigint): Buffer {
  let v = BigInt.asUintN(64, value);
  const buf = Buffer.allocUnsafe(varLongSize(value));
  let i = 0;
  while (v >= 0x80n) {
    buf[i++] = Number(v & 0x7fn) | 0x80;
    v >>= 7n;
  }
  buf[i] = Number(v);
  return buf;
}
