import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bearerChecker, RateLimiter, StreamTokens } from './guard.ts';
import { keyProblem } from './api-key.ts';

test('bearer: exact key only, any length compared in constant time', () => {
  const ok = bearerChecker('a-key-of-sixteen-chars');
  assert.equal(ok('Bearer a-key-of-sixteen-chars'), true);
  assert.equal(ok('bearer a-key-of-sixteen-chars'), true);
  for (const h of [undefined, '', 'Bearer', 'Bearer a-key-of-sixteen-char', 'Bearer a-key-of-sixteen-chars-x', 'Basic a-key-of-sixteen-chars', 'Bearer a b']) assert.equal(ok(h), false, String(h));
});

test('rate limiter: per client, fixed window, bounded client map', () => {
  let now = 0;
  const rl = new RateLimiter(2, () => now);
  assert.deepEqual([rl.take('a').allowed, rl.take('a').allowed, rl.take('a').allowed, rl.take('b').allowed], [true, true, false, true]);
  assert.equal(rl.take('a').resetSeconds, 60);
  now = 60_000;
  assert.equal(rl.take('a').allowed, true);
  for (let i = 0; i < 20_000; i++) rl.take(`c${i}`);
  assert.ok(rl.size <= 10_000);
});

test('stream tokens expire', () => {
  let now = 0;
  const t = new StreamTokens(1000, () => now);
  t.issue('x');
  assert.equal(t.redeem('x'), true);
  assert.equal(t.redeem('y'), false);
  now = 1000;
  assert.equal(t.redeem('x'), false);
});

test('key rules: short keys anywhere, no key or CHANGE-ME off loopback', () => {
  assert.match(keyProblem('127.0.0.1', 'short')!, /too short/);
  assert.equal(keyProblem('127.0.0.1', undefined), undefined);
  assert.equal(keyProblem('::1', 'CHANGE-ME'), undefined);
  assert.match(keyProblem('0.0.0.0', 'CHANGE-ME')!, /required/);
  assert.match(keyProblem('10.0.0.1', undefined)!, /required/);
  assert.equal(keyProblem('0.0.0.0', 'a-strong-enough-api-key'), undefined);
});
