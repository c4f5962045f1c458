import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedLimiter } from './limiter.ts';

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

test('keys have separate budgets; the 4th attempt of a key is refused with a wait', () => {
  const c = clock();
  const l = new KeyedLimiter({ max: 3, windowMs: 10_000 }, { now: c.now });
  for (let i = 0; i < 3; i++) assert.equal(l.take('a'), 0);
  const wait = l.take('a');
  assert.ok(wait > 3_000 && wait < 3_400, String(wait));
  assert.equal(l.take('b'), 0);
  c.advance(wait);
  assert.equal(l.take('a'), 0);
});

test('sweep drops only the keys whose bucket is full again', () => {
  const c = clock();
  const l = new KeyedLimiter({ max: 3, windowMs: 9_000 }, { now: c.now });
  l.take('once');
  l.take('thrice');
  l.take('thrice');
  l.take('thrice');
  c.advance(3_000);
  assert.equal(l.sweep(), 1, 'one attempt refills in 3 s');
  assert.equal(l.size, 1);
  c.advance(6_000);
  assert.equal(l.sweep(), 1);
  assert.equal(l.size, 0);
});

test('a flood from many addresses stays under the cap, evicting the least recently admitted', () => {
  const c = clock();
  const l = new KeyedLimiter({ max: 3, windowMs: 10_000 }, { now: c.now, maxEntries: 1_000 });
  l.take('victim');
  l.take('keeper');
  for (let i = 0; i < 998; i++) l.take(`flood-${i}`);
  assert.equal(l.size, 1_000);
  l.take('keeper'); // admitted again: now the most recent
  for (let i = 0; i < 50_000; i++) l.take(`more-${i}`);
  assert.equal(l.size, 1_000);
  l.take('victim');
  l.take('victim');
  assert.equal(l.take('victim'), 0, 'victim was evicted, so its budget started over');
});

test('a zero budget or window is refused at construction (the plugin skips 0 budgets)', () => {
  assert.throws(() => new KeyedLimiter({ max: 0, windowMs: 10_000 }), RangeError);
  assert.throws(() => new KeyedLimiter({ max: 3, windowMs: 0 }), RangeError);
});
