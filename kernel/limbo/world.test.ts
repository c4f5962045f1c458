// Frames of the shared limbo packets are made once per threshold and decode back to the packet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeCompressed } from '../protocol/compression.ts';
import { readVarInt } from '../protocol/varint.ts';
import { limboSequence } from './data/index.ts';
import { frameFor } from './world.ts';

function body(frame: Buffer): Buffer {
  return frame.subarray(readVarInt(frame, 0)!.size);
}

test('frameFor: one frame per packet and threshold, reused; compressed above the threshold', () => {
  const registry = limboSequence(769)!.configuration[0];
  const compressed = frameFor(registry, 256);
  assert.equal(frameFor(registry, 256), compressed);
  assert.ok(compressed.length < registry.length / 2);
  assert.ok(decodeCompressed(body(compressed), 256, true).equals(registry));
  const plain = frameFor(registry, -1);
  assert.notEqual(plain, compressed);
  assert.ok(body(plain).equals(registry));
  const small = limboSequence(769)!.play[1];
  assert.ok(decodeCompressed(body(frameFor(small, 256)), 256, true).equals(small));
});
