import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Reservoir, Stats, percentile, percentileSorted } from './stats.ts';

test('percentile is nearest-rank and does not modify its input', () => {
  const values = [5, 1, 4, 2, 3];
  assert.equal(percentile(values, 50), 3);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile(values, 100), 5);
  assert.equal(percentile(values, 99), 5);
  assert.deepEqual(values, [5, 1, 4, 2, 3]);
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentileSorted(hundred, 50), 50);
  assert.equal(percentileSorted(hundred, 99), 99);
  assert.equal(percentileSorted(hundred, 99.5), 100);
  assert.equal(percentileSorted([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.equal(percentile([1, 2, 3], 250), 3, 'p is clamped');
});

test('the reservoir keeps at most its capacity and counts everything seen', () => {
  const r = new Reservoir(10, () => 0);
  for (let i = 0; i < 1000; i++) r.add(i);
  assert.equal(r.values.length, 10);
  assert.equal(r.seen, 1000);
});

test('stats count outcomes, active connections, reasons and interval percentiles', () => {
  const s = new Stats(0);
  for (let i = 0; i < 4; i++) s.started();
  assert.equal(s.active, 4);
  s.record({ shape: 'status', outcome: { kind: 'ok' }, latencyMs: 10 });
  s.record({ shape: 'status', outcome: { kind: 'ok' }, latencyMs: 30 });
  s.record({ shape: 'slowloris', outcome: { kind: 'error', reason: 'stayed open' }, latencyMs: 15_000 });
  s.record({ shape: 'login', outcome: { kind: 'connect-fail', reason: 'ECONNREFUSED' }, latencyMs: 1 });
  const r = s.interval(2000);
  assert.deepEqual(
    { attempts: r.attempts, ok: r.ok, errors: r.errors, connectFail: r.connectFail, active: r.active, p50: r.p50, p99: r.p99, connPerS: r.connPerS },
    { attempts: 4, ok: 2, errors: 1, connectFail: 1, active: 0, p50: 10, p99: 30, connPerS: 1.5 },
  );
  assert.ok(Number.isNaN(s.interval(3000).p50), 'a new interval starts empty');
  s.started();
  s.record({ shape: 'slowloris', outcome: { kind: 'aborted' }, latencyMs: 5 });
  const sum = s.summary(4000);
  assert.equal(sum.aborted, 1);
  assert.deepEqual(sum.errorReasons, { 'slowloris: stayed open': 1 });
  assert.deepEqual(sum.connectFailReasons, { ECONNREFUSED: 1 });
  assert.deepEqual(sum.shapes.status, { ok: 2, errors: 0 });
  assert.equal(sum.latencyMs.avg, 20);
  assert.equal(sum.latencyMs.max, 30);
  assert.equal(sum.connPerS, 0.75);
});
