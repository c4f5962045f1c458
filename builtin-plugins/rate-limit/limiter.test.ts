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

test('a flood from many addresses stays under the cap, evicting the keys added longest ago', () => {
  const c = clock();
  const l = new KeyedLimiter({ max: 3, windowMs: 10_000 }, { now: c.now, maxEntries: 1_000 });
  for (let i = 0; i < 3; i++) assert.equal(l.take('victim'), 0);
  assert.ok(l.take('victim') > 0, 'over budget while remembered');
  for (let i = 0; i < 999; i++) l.take(`flood-${i}`);
  assert.equal(l.size, 1_000);
  assert.ok(l.take('victim') > 0, 'the map is full but nothing was evicted yet');
  for (let i = 0; i < 50_000; i++) l.take(`more-${i}`);
  assert.equal(l.size, 1_000);
  assert.equal(l.take('victim'), 0, 'victim was evicted, so its budget started over');
  assert.equal(l.take('more-49999'), 0, 'the newest keys are kept: their second attempt is counted');
  assert.equal(l.take('more-49999'), 0);
  assert.ok(l.take('more-49999') > 0);
});

test('a zero budget or window is refused at construction (the plugin skips 0 budgets)', () => {
  assert.throws(() => new KeyedLimiter({ max: 0, windowMs: 10_000 }), RangeError);
  assert.throws(() => new KeyedLimiter({ max: 3, windowMs: 0 }), RangeError);
});
