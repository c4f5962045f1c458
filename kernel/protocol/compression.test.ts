import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { isInfrarustError } from '../errors.ts';
import { decodeCompressed, encodeCompressed } from './compression.ts';
import { FrameSplitter } from './frame-splitter.ts';
import { writeVarInt } from './varint.ts';

/** Runs a full frame through the splitter, as the kernel would, and returns its contents. */
function unframe(frame: Buffer): Buffer {
  const s = new FrameSplitter();
  s.push(frame);
  const p = s.next();
  assert.ok(p !== null && s.pendingBytes === 0);
  return p;
}

test('packets under the threshold go uncompressed with data length 0', () => {
  const packet = Buffer.from([0x05, 1, 2, 3]);
  const frame = encodeCompressed(packet, 256);
  assert.deepEqual(frame, Buffer.from([5, 0, 0x05, 1, 2, 3]));
  assert.deepEqual(decodeCompressed(unframe(frame), 256), packet);
});

test('packets at or over the threshold are deflated and round trip', () => {
  const packet = Buffer.alloc(256, 0x41);
  const inner = unframe(encodeCompressed(packet, 256));
  assert.deepEqual(inner.subarray(0, 2), writeVarInt(256));
  assert.ok(inner.length < 100);
  assert.deepEqual(decodeCompressed(inner, 256), packet);
});

test('uncompressed packets over the threshold are accepted (vanilla does)', () => {
  const body = Buffer.alloc(1000, 1);
  assert.deepEqual(decodeCompressed(Buffer.concat([Buffer.from([0]), body]), 256), body);
});

test('compressed packets claiming less than the threshold are rejected unless validate is off', () => {
  const packet = Buffer.alloc(100, 2);
  const inner = Buffer.concat([writeVarInt(100), deflateSync(packet)]);
  assert.throws(() => decodeCompressed(inner, 256), (e) => isInfrarustError(e, 'IR_ERR_PROTO_COMPRESSION_INVALID'));
  assert.deepEqual(decodeCompressed(inner, 256, false), packet);
});

test('decompression bombs are refused: claimed size over 8 MiB, or output past the claim', () => {
  const bomb = deflateSync(Buffer.alloc(16 * 1024 * 1024));
  const tooBig = (e: unknown) => isInfrarustError(e, 'IR_ERR_PROTO_DECOMPRESSED_TOO_BIG');
  assert.throws(() => decodeCompressed(Buffer.concat([writeVarInt(16 * 1024 * 1024), bomb]), 256), tooBig);
  assert.throws(() => decodeCompressed(Buffer.concat([writeVarInt(1024), bomb]), 256), tooBig);
});

test('an output shorter than claimed, bad zlib, or a negative length is invalid', () => {
  const invalid = (e: unknown) => isInfrarustError(e, 'IR_ERR_PROTO_COMPRESSION_INVALID');
  const short = Buffer.concat([writeVarInt(1000), deflateSync(Buffer.alloc(999))]);
  assert.throws(() => decodeCompressed(short, 256), invalid);
  assert.throws(() => decodeCompressed(Buffer.concat([writeVarInt(1000), Buffer.from('garbage')]), 256), invalid);
  assert.throws(() => decodeCompressed(writeVarInt(-1), 256), invalid);
  assert.throws(() => decodeCompressed(Buffer.from([0x80]), 256), invalid);
  const truncated = deflateSync(Buffer.alloc(1000, 7)).subarray(0, 5);
  assert.throws(() => decodeCompressed(Buffer.concat([writeVarInt(1000), truncated]), 256), invalid);
});
