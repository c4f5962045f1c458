// The per-byte costs an intercepted session pays, on one core of this Node, so the intercepted
// workload's targets can be judged (DESIGN §6): AES-128-CFB8 (createCipheriv, 64 KiB updates),
// zlib deflate and inflate of the bulk packet the sink streams (node:zlib's *Sync with default
// options, what kernel/protocol/compression.ts calls), and the proxy's per-frame id peek of a
// compressed frame (PacketConn.packetId: inflateSync of its first 64 bytes, Z_SYNC_FLUSH).
// Prints one JSON line. The harness pins it to the relays' CPU.
//   node --import tsx bench/lib/codec-speed.ts [aesMiB] [packetKiB]
import { createCipheriv, randomBytes } from 'node:crypto';
import { constants, deflateSync, inflateSync } from 'node:zlib';
import { bulkPacket } from './mc-login.ts';

const MiB = 1024 * 1024;
const aesMiB = Number(process.argv[2] ?? 512);
const packetSize = Number(process.argv[3] ?? 32) * 1024;

function aes(bytes: number): number {
  const key = randomBytes(16);
  const c = createCipheriv('aes-128-cfb8', key, key);
  const chunk = randomBytes(64 * 1024);
  c.update(chunk); // warm
  const t0 = process.hrtime.bigint();
  for (let done = 0; done < bytes; done += chunk.length) c.update(chunk);
  return bytes / MiB / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** MiB/s of uncompressed packet bytes through `fn`, for at least `minMs`. */
function rate(fn: () => void, bytesPerCall: number, minMs: number): number {
  for (let i = 0; i < 20; i++) fn();
  let calls = 0;
  const t0 = process.hrtime.bigint();
  let ms = 0;
  do {
    for (let i = 0; i < 20; i++) fn();
    calls += 20;
    ms = Number(process.hrtime.bigint() - t0) / 1e6;
  } while (ms < minMs);
  return (calls * bytesPerCall) / MiB / (ms / 1000);
}

const pkt = bulkPacket(packetSize);
const z = deflateSync(pkt);
const deflateMiBs = rate(() => deflateSync(pkt), pkt.length, 1500);
const inflateMiBs = rate(() => inflateSync(z, { maxOutputLength: pkt.length }), pkt.length, 1000);
const peekCalls = 20_000;
const head = z.subarray(0, 64);
for (let i = 0; i < 2000; i++) inflateSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
const p0 = process.hrtime.bigint();
for (let i = 0; i < peekCalls; i++) inflateSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
const peekUs = Number(process.hrtime.bigint() - p0) / 1e3 / peekCalls;
const aesMiBs = aes(aesMiB * MiB);
process.stdout.write(`${JSON.stringify({ aesMiB, aesMiBs, packetSize, compressedSize: z.length, deflateMiBs, inflateMiBs, peekUs })}\n`);
