import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusCache } from './status-cache.ts';

function clock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

test('a fresh entry is served from cache without calling the backend', async () => {
  const c = clock();
  const cache = new StatusCache({ ttlMs: 5000, maxEntries: 10, now: c.now });
  let calls = 0;
  const fetch = async () => `{"n":${++calls}}`;
  assert.deepEqual(await cache.get('a', fetch), { ok: true, value: '{"n":1}', source: 'backend' });
  c.advance(4999);
  assert.deepEqual(await cache.get('a', fetch), { ok: true, value: '{"n":1}', source: 'cache' });
  assert.equal(calls, 1);
});

test('concurrent misses share one backend request (no stampede)', async () => {
  const cache = new StatusCache({ ttlMs: 5000, maxEntries: 10 });
  let calls = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  const fetch = async () => { calls++; await gate; return '{}'; };
  const all = Promise.all(Array.from({ length: 50 }, () => cache.get('a', fetch)));
  release();
  const results = await all;
  assert.equal(calls, 1);
  assert.ok(results.every((r) => r.ok));
});

test('an expired entry is served stale while exactly one refresh runs', async () => {
  const c = clock();
  const cache = new StatusCache({ ttlMs: 1000, maxEntries: 10, now: c.now });
  await cache.get('a', async () => 'old');
  c.advance(1500);
  let release!: (v: string) => void;
  let calls = 0;
  const slow = () => { calls++; return new Promise<string>((r) => { release = r; }); };
  const first = await cache.get('a', slow);
  const second = await cache.get('a', slow);
  assert.deepEqual(first, { ok: true, value: 'old', source: 'stale' });
  assert.deepEqual(second, { ok: true, value: 'old', source: 'stale' });
  assert.equal(calls, 1);
  release('new');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(await cache.get('a', slow), { ok: true, value: 'new', source: 'cache' });
});

test('failures are cached for ttl and then retried', async () => {
  const c = clock();
  const cache = new StatusCache({ ttlMs: 1000, maxEntries: 10, now: c.now });
  let calls = 0;
  const failing = async (): Promise<string> => { calls++; throw new Error('down'); };
  assert.equal((await cache.get('a', failing)).ok, false);
  assert.equal((await cache.get('a', failing)).ok, false);
  assert.equal(calls, 1);
  c.advance(1001);
  assert.equal((await cache.get('a', async () => 'up')).ok, true);
});

test('max_entries is enforced, least recently used evicted first', async () => {
  const cache = new StatusCache({ ttlMs: 60_000, maxEntries: 3 });
  for (const k of ['a', 'b', 'c']) await cache.get(k, async () => k);
  await cache.get('a', async () => 'unused'); // a becomes most recent
  await cache.get('d', async () => 'd');
  assert.equal(cache.size, 3);
  let refetched = false;
  await cache.get('b', async () => { refetched = true; return 'b2'; });
  assert.equal(refetched, true, 'b was the least recently used and must have been evicted');
  let aRefetched = false;
  await cache.get('a', async () => { aRefetched = true; return 'x'; });
  assert.equal(aRefetched, false);
});

test('ttl 0 disables caching', async () => {
  const cache = new StatusCache({ ttlMs: 0, maxEntries: 10 });
  let calls = 0;
  await cache.get('a', async () => `${++calls}`);
  await cache.get('a', async () => `${++calls}`);
  assert.equal(calls, 2);
  assert.equal(cache.size, 0);
});
