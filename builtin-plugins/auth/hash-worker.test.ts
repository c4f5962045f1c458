import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHashWorker } from './hash-worker.ts';
import { createHasher } from './passwords.ts';

const V2_COST = { argon2_memory_cost: 19_456, argon2_time_cost: 2, argon2_parallelism: 1, migrate_legacy_hashes: true };

test('hashing in the worker leaves the event loop free and gives the same answers', async () => {
  const abort = new AbortController();
  try {
    const hasher = await createHasher(V2_COST, startHashWorker(abort.signal));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const started = performance.now();
    const hashes = await Promise.all([hasher.hash('pw-one-1111'), hasher.hash('pw-two-2222'), hasher.hash('pw-three-333')]);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    assert.ok(ticks >= elapsed / 10, `${ticks} timer ticks in ${elapsed.toFixed(0)} ms: the loop was blocked`);
    assert.deepEqual(await hasher.verify('pw-two-2222', hashes[1]), { ok: true, rehash: false });
    assert.deepEqual(await hasher.verify('pw-two-2222', hashes[0]), { ok: false, rehash: false });
    assert.deepEqual(await hasher.verify('oldbcrypt-pass', '$2b$10$.vcDZgEjvemC.3eRcCT5OOeJisiHYdVBkZuT5WkOhpmLC1CxT7yhy'), { ok: true, rehash: true });
    assert.deepEqual(await hasher.verify('x', '$argon2id$broken'), { ok: false, rehash: false }, 'a worker-side error is a failed verification');
  } finally {
    abort.abort();
  }
});

test('after the plugin unloads, calls reject instead of hanging', async () => {
  const abort = new AbortController();
  const backend = startHashWorker(abort.signal);
  const hasher = await createHasher({ ...V2_COST, argon2_memory_cost: 64, argon2_time_cost: 1 }, backend);
  const pending = hasher.hash('late-password');
  abort.abort();
  await pending.then(
    () => undefined, // it may have finished before the worker stopped
    (err: Error) => assert.match(err.message, /worker stopped|terminated/),
  );
  await new Promise((r) => setTimeout(r, 50));
  await assert.rejects(hasher.hash('after'), /worker stopped/);
});
