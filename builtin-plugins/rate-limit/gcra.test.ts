import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gcra, isIdle, type GcraResult } from './gcra.ts';

const quota = { max: 3, windowMs: 10_000 };

/** Runs attempts at the given times against one key; returns allowed/refused per attempt. */
function run(times: number[]): GcraResult[] {
  let tat: number | undefined;
  return times.map((now) => {
    const r = gcra(tat, now, quota);
    if (r.allowed) tat = r.tat;
    return r;
  });
}

test('a burst of max is allowed at one instant, the next one waits one emission interval', () => {
  const r = run([0, 0, 0, 0]);
  assert.deepEqual(r.slice(0, 3).map((x) => x.allowed), [true, true, true]);
  assert.equal(r[3].allowed, false);
  assert.ok(!r[3].allowed && Math.abs(r[3].retryAfterMs - 10_000 / 3) < 1e-6);
});

test('the budget refills continuously at max per window', () => {
  const interval = 10_000 / 3;
  const r = run([0, 0, 0, interval - 1, interval, interval + 1]);
  assert.deepEqual(r.map((x) => x.allowed), [true, true, true, false, true, false]);
  assert.equal(run([0, 0, 0, 10_000, 10_000, 10_000, 10_000]).filter((x) => x.allowed).length, 6, 'a full window later the whole burst is back');
});

test('refused attempts do not consume budget', () => {
  const r = run([0, 0, 0, 1, 2, 3, 4, 10_000 / 3]);
  assert.equal(r[7].allowed, true);
});

test('a budget of one allows one attempt per window', () => {
  let tat: number | undefined;
  const one = { max: 1, windowMs: 1_000 };
  const a = gcra(tat, 0, one);
  assert.ok(a.allowed);
  tat = a.tat;
  assert.equal(gcra(tat, 999, one).allowed, false);
  assert.equal(gcra(tat, 1_000, one).allowed, true);
});

test('a key is idle (bucket full) once its TAT has passed', () => {
  const r = gcra(undefined, 0, quota);
  assert.ok(r.allowed);
  assert.equal(isIdle(r.tat, r.tat - 1), false);
  assert.equal(isIdle(r.tat, r.tat), true);
});
