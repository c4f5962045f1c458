import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JoinRate } from './join-rate.ts';

test('counts the logins of the last window only, sliding by a tenth of it', () => {
  const rate = new JoinRate(1000);
  for (let i = 0; i < 10; i++) rate.record(10_000 + i * 50); // 10 logins in 0.5 s
  assert.equal(rate.count(10_450), 10);
  assert.equal(rate.perSecond(10_450), 10);
  assert.equal(rate.count(10_950), 10, 'still inside the window');
  assert.equal(rate.count(11_050), 8, 'the first bucket (10.0–10.1 s, two logins) slid out');
  assert.equal(rate.count(11_600), 0);
});

test('a reused slot is reset, and old slots never count again', () => {
  const rate = new JoinRate(1000);
  rate.record(0);
  rate.record(0);
  rate.record(1000); // same slot, next lap
  assert.equal(rate.count(1000), 1);
  assert.equal(rate.count(50_000), 0);
});

test('the rate is per second whatever the window', () => {
  const rate = new JoinRate(5000);
  for (let i = 0; i < 50; i++) rate.record(100 + i * 10);
  assert.equal(rate.perSecond(1000), 10);
});
