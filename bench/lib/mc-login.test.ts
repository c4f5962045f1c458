// node --import tsx --test bench/lib/mc-login.test.ts
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { createEncryptor } from '../../kernel/protocol/cipher.ts';
import { encodeCompressed } from '../../kernel/protocol/compression.ts';
import { encodeFrame } from '../../kernel/protocol/packet-writer.ts';
import { BulkCounter, IDS, PacketCodec, bulkName, bulkPacket, bulkPackets, parseBulkName } from './mc-login.ts';

/** Splits `buf` at random points (1..max bytes per piece). */
function pieces(buf: Buffer, max: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; ) {
    const n = 1 + Math.floor(Math.random() * max);
    out.push(buf.subarray(i, i + n));
    i += n;
  }
  return out;
}

test('bulk names round-trip and fit a login name', () => {
  const name = bulkName(524288, 32);
  assert.ok(name.length <= 16);
  assert.deepEqual(parseBulkName(name), { bytes: 512 * 1024 * 1024, packetSize: 32 * 1024 });
  assert.equal(parseBulkName('bench_join'), null);
  assert.equal(bulkPackets(100, 32), 4);
});

test('the bulk packet has its size, the custom_payload id, and compresses like chunk data', () => {
  const p = bulkPacket(32 * 1024);
  assert.equal(p.length, 32 * 1024);
  assert.equal(p[0], IDS.customPayloadCb);
  const ratio = p.length / deflateSync(p).length;
  assert.ok(ratio > 2 && ratio < 8, `compression ratio ${ratio}`);
  assert.deepEqual(bulkPacket(32 * 1024), p, 'deterministic');
});

for (const mode of ['plain', 'compressed', 'compressed below threshold', 'encrypted', 'encrypted + compressed'] as const) {
  test(`BulkCounter counts a ${mode} stream in any chunking`, () => {
    const compressed = mode.includes('compressed');
    const threshold = mode === 'compressed below threshold' ? 1 << 20 : 256;
    const pkt = bulkPacket(5000);
    const frame = compressed ? encodeCompressed(pkt, threshold) : encodeFrame(pkt);
    const n = 40;
    let stream: Buffer = Buffer.concat(Array.from({ length: n }, () => frame));
    const key = mode.startsWith('encrypted') ? randomBytes(16) : undefined;
    let tail: Buffer | undefined;
    if (key) {
      // Some login bytes first, so the bulk starts mid-stream, as it does after a login.
      const enc = createEncryptor(key);
      const before = enc.update(randomBytes(37));
      tail = before.subarray(-16);
      stream = enc.update(stream);
    }
    for (const max of [1, 7, 300, 70_000]) {
      const c = new BulkCounter({ compressed, key, tail, expectId: IDS.customPayloadCb });
      for (const p of pieces(stream, max)) c.push(p);
      assert.equal(c.frames, n, `frames, pieces ≤ ${max}`);
      assert.equal(c.wireBytes, stream.length);
      assert.equal(c.packetBytes, n * pkt.length);
    }
  });
}

test('BulkCounter refuses a stream encrypted with another key', () => {
  const frame = encodeFrame(bulkPacket(5000));
  const key = randomBytes(16);
  const stream = createEncryptor(key).update(Buffer.concat([frame, frame, frame]));
  const c = new BulkCounter({ compressed: false, key: randomBytes(16), tail: key, expectId: IDS.customPayloadCb });
  assert.throws(() => c.push(stream), /bulk stream/);
});

test('PacketCodec: compressed and encrypted frames round-trip between two codecs', () => {
  const a = new PacketCodec();
  const b = new PacketCodec();
  const secret = randomBytes(16);
  a.enableEncryption(secret);
  b.enableEncryption(secret);
  a.threshold = b.threshold = 64;
  const small = Buffer.from([IDS.loginAcknowledged]);
  const big = bulkPacket(3000);
  const wire = Buffer.concat([a.frame(small), a.frame(big)]);
  for (const p of pieces(wire, 100)) b.push(p);
  assert.deepEqual(b.next(), small);
  assert.deepEqual(b.next(), big);
  assert.equal(b.next(), null);
  assert.deepEqual(b.tail, wire.subarray(-16));
});
