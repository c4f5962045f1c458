import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInfrarustError } from '../errors.ts';
import { FrameSplitter } from './frame-splitter.ts';
import { encodePacket } from './packet-writer.ts';

/** Three frames of different prefix sizes (1, 2 and 3 bytes). */
function sampleStream(): { stream: Buffer; packets: Buffer[]; frames: Buffer[] } {
  const bodies = [Buffer.from([1, 2, 3]), Buffer.alloc(200, 7), Buffer.alloc(20000, 9)];
  const frames = bodies.map((b, i) => encodePacket(i, b));
  const packets = frames.map((f, i) => f.subarray(f.length - bodies[i].length - 1));
  return { stream: Buffer.concat(frames), packets, frames };
}

function drain(s: FrameSplitter): { packets: Buffer[]; raws: Buffer[] } {
  const packets: Buffer[] = [];
  const raws: Buffer[] = [];
  for (let p = s.next(); p !== null; p = s.next()) {
    packets.push(p);
    raws.push(s.lastRaw);
  }
  return { packets, raws };
}

test('several frames in one chunk come back as views of that chunk', () => {
  const { stream, packets, frames } = sampleStream();
  const s = new FrameSplitter();
  s.push(stream);
  const out = drain(s);
  assert.deepEqual(out.packets, packets);
  assert.deepEqual(out.raws, frames);
  for (const p of out.packets) assert.equal(p.buffer, stream.buffer);
  assert.equal(s.pendingBytes, 0);
});

test('a stream split at every byte boundary yields the same frames', () => {
  const { stream, packets, frames } = sampleStream();
  for (let cut = 0; cut <= stream.length; cut++) {
    const s = new FrameSplitter();
    s.push(stream.subarray(0, cut));
    const a = drain(s);
    s.push(stream.subarray(cut));
    const b = drain(s);
    assert.deepEqual([...a.packets, ...b.packets], packets, `cut at ${cut}`);
    assert.deepEqual([...a.raws, ...b.raws], frames, `cut at ${cut}`);
  }
});

test('a stream fed one byte at a time yields the same frames', () => {
  const { stream, packets } = sampleStream();
  const s = new FrameSplitter();
  const got: Buffer[] = [];
  for (let i = 0; i < stream.length; i++) {
    s.push(stream.subarray(i, i + 1));
    got.push(...drain(s).packets);
  }
  assert.deepEqual(got, packets);
});

test('takeRemainder returns unconsumed bytes, partial frame prefix included', () => {
  const { stream, frames } = sampleStream();
  const s = new FrameSplitter();
  s.push(stream.subarray(0, frames[0].length + 5));
  s.push(stream.subarray(frames[0].length + 5, frames[0].length + 50));
  assert.notEqual(s.next(), null);
  assert.equal(s.next(), null);
  assert.equal(s.pendingBytes, 50);
  assert.deepEqual(s.takeRemainder(), stream.subarray(frames[0].length, frames[0].length + 50));
  assert.equal(s.pendingBytes, 0);
  assert.deepEqual(s.takeRemainder(), Buffer.alloc(0));
});

test('the caller can stop after one frame and take the rest verbatim', () => {
  const { stream, frames } = sampleStream();
  const s = new FrameSplitter();
  s.push(stream);
  s.next();
  const rest = s.takeRemainder();
  assert.deepEqual(rest, stream.subarray(frames[0].length));
  assert.equal(rest.buffer, stream.buffer);
});

test('a frame over maxFrame is rejected as soon as its length is read', () => {
  const s = new FrameSplitter();
  // 3 MB needs a 4-byte VarInt: rejected as an invalid prefix.
  s.push(Buffer.from([0x80, 0x8d, 0xb7, 0x01]));
  assert.throws(() => s.next(), (e) => isInfrarustError(e, 'IR_ERR_PROTO_FRAME_INVALID'));
  const small = new FrameSplitter({ maxFrame: 1000 });
  small.push(Buffer.from([0xe9, 0x07])); // 1001, no body yet
  assert.throws(() => small.next(), (e) => isInfrarustError(e, 'IR_ERR_PROTO_FRAME_TOO_BIG'));
});

test('a length prefix of more than 3 bytes is rejected, even split across chunks', () => {
  const s = new FrameSplitter();
  s.push(Buffer.from([0xff]));
  s.push(Buffer.from([0xff]));
  assert.equal(s.next(), null);
  s.push(Buffer.from([0xff]));
  assert.throws(() => s.next(), (e) => isInfrarustError(e, 'IR_ERR_PROTO_FRAME_INVALID'));
});

test('an empty frame is rejected', () => {
  const s = new FrameSplitter();
  s.push(Buffer.from([0x00]));
  assert.throws(() => s.next(), (e) => isInfrarustError(e, 'IR_ERR_PROTO_FRAME_INVALID'));
});

test('a 2 MiB packet in 1460-byte reads is joined once, quickly', () => {
  const frame = encodePacket(0x21, Buffer.alloc(2 * 1024 * 1024 - 8, 3));
  const chunks: Buffer[] = [];
  for (let i = 0; i < frame.length; i += 1460) chunks.push(frame.subarray(i, i + 1460));
  const s = new FrameSplitter();
  const start = process.hrtime.bigint();
  let packet: Buffer | null = null;
  for (const c of chunks) {
    s.push(c);
    packet = s.next() ?? packet;
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  assert.equal(packet?.length, 2 * 1024 * 1024 - 7);
  assert.deepEqual(s.lastRaw, frame);
  // ~1 ms typical; a loose bound keeps CI noise from failing it.
  assert.ok(ms < 50, `took ${ms.toFixed(2)} ms`);
});
