import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInfrarustError } from '../errors.ts';
import { PacketReader } from './packet-reader.ts';
import { PacketWriter, encodeFrame, encodePacket } from './packet-writer.ts';
import { writeVarInt } from './varint.ts';

const UUID = '069a79f4-44e9-4726-a5be-fca90e38aaf5';

test('every field written by PacketWriter reads back', () => {
  const blob = Buffer.from([1, 2, 3]);
  const buf = new PacketWriter(1)
    .varInt(-5).varLong(1n << 40n).string('héllo ✓').u8(200).bool(true).u16(25565)
    .i32(-7).i64(-2n).uuid(UUID).bytes(blob).byteArray(blob).toBuffer();
  const r = new PacketReader(buf);
  assert.equal(r.varInt(), -5);
  assert.equal(r.varLong(), 1n << 40n);
  assert.equal(r.string(16), 'héllo ✓');
  assert.equal(r.u8(), 200);
  assert.equal(r.bool(), true);
  assert.equal(r.u16(), 25565);
  assert.equal(r.i32(), -7);
  assert.equal(r.i64(), -2n);
  assert.equal(r.uuid(), UUID);
  assert.deepEqual(r.bytes(3), blob);
  assert.deepEqual(r.byteArray(3), blob);
  assert.equal(r.remaining, 0);
  assert.equal(r.offset, buf.length);
});

test('reads past the end throw IR_ERR_PROTO_TRUNCATED', () => {
  const truncated = (e: unknown) => isInfrarustError(e, 'IR_ERR_PROTO_TRUNCATED');
  assert.throws(() => new PacketReader(Buffer.alloc(0)).u8(), truncated);
  assert.throws(() => new PacketReader(Buffer.alloc(1)).u16(), truncated);
  assert.throws(() => new PacketReader(Buffer.alloc(3)).i32(), truncated);
  assert.throws(() => new PacketReader(Buffer.alloc(7)).i64(), truncated);
  assert.throws(() => new PacketReader(Buffer.alloc(15)).uuid(), truncated);
  assert.throws(() => new PacketReader(Buffer.from([0x80])).varInt(), truncated);
  assert.throws(() => new PacketReader(Buffer.from([0x80])).varLong(), truncated);
  assert.throws(() => new PacketReader(Buffer.from([5, 0x61, 0x62])).string(16), truncated);
  assert.throws(() => new PacketReader(Buffer.alloc(2)).bytes(3), truncated);
});

test('string bounds: byte length checked before decoding, chars after', () => {
  const tooLong = (e: unknown) => isInfrarustError(e, 'IR_ERR_PROTO_STRING_TOO_LONG');
  // A 49-byte prefix cannot hold 16 chars; rejected without the bytes being present.
  assert.throws(() => new PacketReader(writeVarInt(49)).string(16), tooLong);
  // 17 ASCII chars fit in 48 bytes but exceed 16 chars.
  assert.throws(() => new PacketReader(new PacketWriter().string('a'.repeat(17)).toBuffer()).string(16), tooLong);
  // 16 three-byte chars (48 bytes) are fine.
  assert.equal(new PacketReader(new PacketWriter().string('✓'.repeat(16)).toBuffer()).string(16), '✓'.repeat(16));
  assert.throws(() => new PacketReader(writeVarInt(-1)).string(16), (e) => isInfrarustError(e, 'IR_ERR_PROTO_FIELD_INVALID'));
});

test('bytes and rest are zero-copy views', () => {
  const buf = Buffer.from([0, 1, 2, 3]);
  const r = new PacketReader(buf, 1);
  const b = r.bytes(1);
  const rest = r.rest();
  assert.equal(b.buffer, buf.buffer);
  assert.deepEqual(rest, Buffer.from([2, 3]));
  buf[3] = 9;
  assert.equal(rest[1], 9);
});

test('encodePacket and encodeFrame build length-prefixed frames', () => {
  assert.deepEqual(encodePacket(0x01, Buffer.from([0xaa, 0xbb])), Buffer.from([3, 1, 0xaa, 0xbb]));
  assert.deepEqual(encodePacket(0x80, Buffer.alloc(0)), Buffer.from([2, 0x80, 0x01]));
  assert.deepEqual(encodeFrame(Buffer.from([0, 1])), Buffer.from([2, 0, 1]));
  const big = encodePacket(0x00, Buffer.alloc(300));
  assert.deepEqual(big.subarray(0, 3), Buffer.from([0xad, 0x02, 0x00]));
  assert.throws(() => encodeFrame(Buffer.alloc(0x200000)), (e) => isInfrarustError(e, 'IR_ERR_PROTO_FRAME_TOO_BIG'));
});
