import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInfrarustError } from '../errors.ts';
import {
  readVarInt, readVarLong, varIntSize, varLongSize, writeVarInt, writeVarIntInto, writeVarLong,
} from './varint.ts';

const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');

// Vectors from the protocol wiki's VarInt table.
const VARINTS: [number, string][] = [
  [0, '00'], [1, '01'], [2, '02'], [127, '7f'], [128, '80 01'], [255, 'ff 01'], [25565, 'dd c7 01'],
  [2097151, 'ff ff 7f'], [2147483647, 'ff ff ff ff 07'], [-1, 'ff ff ff ff 0f'], [-2147483648, '80 80 80 80 08'],
];

test('VarInt encodes and decodes the wiki vectors', () => {
  for (const [value, bytes] of VARINTS) {
    assert.deepEqual(writeVarInt(value), hex(bytes), `encode ${value}`);
    assert.equal(varIntSize(value), hex(bytes).length, `size ${value}`);
    assert.deepEqual(readVarInt(hex(bytes), 0), { value, size: hex(bytes).length }, `decode ${value}`);
  }
});

test('readVarInt returns null when bytes are missing, at any offset', () => {
  assert.equal(readVarInt(Buffer.alloc(0), 0), null);
  assert.equal(readVarInt(hex('80'), 0), null);
  assert.equal(readVarInt(hex('00 ff ff ff ff'), 1), null);
  assert.deepEqual(readVarInt(hex('00 80 01'), 1), { value: 128, size: 2 });
});

test('readVarInt accepts 5 bytes and rejects a 6th', () => {
  assert.deepEqual(readVarInt(hex('ff ff ff ff 0f'), 0), { value: -1, size: 5 });
  assert.throws(() => readVarInt(hex('ff ff ff ff ff 01'), 0), (e) => isInfrarustError(e, 'IR_ERR_PROTO_VARINT_TOO_BIG'));
  // Five continuation bytes are already fatal, whatever follows.
  assert.throws(() => readVarInt(hex('80 80 80 80 80'), 0), (e) => isInfrarustError(e, 'IR_ERR_PROTO_VARINT_TOO_BIG'));
});

test('writeVarIntInto writes in place and returns the next offset', () => {
  const buf = Buffer.alloc(8);
  assert.equal(writeVarIntInto(buf, 2, 300), 4);
  assert.deepEqual(buf.subarray(2, 4), hex('ac 02'));
});

test('VarLong round trips including the 10-byte extremes', () => {
  const cases: [bigint, string][] = [
    [0n, '00'], [127n, '7f'], [128n, '80 01'], [2147483647n, 'ff ff ff ff 07'],
    [9223372036854775807n, 'ff ff ff ff ff ff ff ff 7f'],
    [-1n, 'ff ff ff ff ff ff ff ff ff 01'],
    [-9223372036854775808n, '80 80 80 80 80 80 80 80 80 01'],
  ];
  for (const [value, bytes] of cases) {
    assert.deepEqual(writeVarLong(value), hex(bytes), `encode ${value}`);
    assert.equal(varLongSize(value), hex(bytes).length);
    assert.deepEqual(readVarLong(hex(bytes), 0), { value, size: hex(bytes).length }, `decode ${value}`);
  }
  assert.equal(readVarLong(hex('ff ff'), 0), null);
  assert.throws(() => readVarLong(Buffer.alloc(11, 0xff), 0), (e) => isInfrarustError(e, 'IR_ERR_PROTO_VARINT_TOO_BIG'));
});

test('VarInt round trips a spread of values', () => {
  for (let v = -70000; v < 70000; v += 7) {
    assert.equal(readVarInt(writeVarInt(v), 0)?.value, v);
  }
});
