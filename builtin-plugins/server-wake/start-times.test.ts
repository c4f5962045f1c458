import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StartTimes } from './start-times.ts';

test('the estimate: fallback first, then the average of measured starts minus the time spent, in steps of 5 s', () => {
  const t = new StartTimes();
  assert.equal(t.estimateSeconds('s', 30_000, 180_000, 0), 30);
  assert.equal(t.estimateSeconds('s', 30_000, 12_000, 0), 15, 'capped by start_timeout, rounded up to 5 s');
  t.observe('s', 'starting', 0);
  t.observe('s', 'online', 20_000);
  t.observe('s', 'starting', 100_000);
  t.observe('s', 'crashed', 101_000); // not a measured start
  t.observe('s', 'starting', 200_000);
  t.observe('s', 'online', 240_000);
  assert.equal(t.average('s'), 30_000);
  t.observe('s', 'starting', 300_000);
  assert.equal(t.estimateSeconds('s', 60_000, 180_000, 312_000), 20, '30 s average, 12 s spent');
  assert.equal(t.estimateSeconds('s', 60_000, 180_000, 400_000), 5, 'at least 5 s');
  assert.equal(t.estimateSeconds('other', 60_000, 180_000, 10_000, 0), 50, 'since from the manager');
});

test('a start recorded after the estimate was asked does not lengthen it', () => {
  const t = new StartTimes();
  t.observe('s', 'starting', 10_001);
  assert.equal(t.estimateSeconds('s', 30_000, 180_000, 10_000), 30);
});
