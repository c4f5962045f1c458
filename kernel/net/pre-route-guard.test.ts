import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRootLogger } from '../log/logger.ts';
import { PRE_ROUTE_ALLOWANCE, PreRouteGuard } from './pre-route-guard.ts';

const log = createRootLogger({ level: 'silent', pretty: false });
const KiB = 1024;

test('an address gets at most perAddress tickets; ending one frees its slot', () => {
  const guard = new PreRouteGuard({ perAddress: 2, budgetBytes: 0 }, log);
  const a = guard.admit('203.0.113.7')!;
  assert.ok(guard.admit('::ffff:203.0.113.7'), 'IPv4-mapped is the same address');
  assert.equal(guard.admit('203.0.113.7'), undefined);
  assert.ok(guard.admit('203.0.113.8'), 'another address is not affected');
  a.end();
  a.end();
  assert.ok(guard.admit('203.0.113.7'), 'a slot freed once, not twice');
  assert.equal(guard.admit('203.0.113.7'), undefined);
});

test('an IPv6 /64 is one address', () => {
  const guard = new PreRouteGuard({ perAddress: 1, budgetBytes: 0 }, log);
  assert.ok(guard.admit('2001:db8:1:2::1'));
  assert.equal(guard.admit('2001:db8:1:2:ffff::9'), undefined);
  assert.ok(guard.admit('2001:db8:1:3::1'));
});

test('perAddress 0 counts nothing', () => {
  const guard = new PreRouteGuard({ perAddress: 0, budgetBytes: 0 }, log);
  for (let i = 0; i < 100; i++) assert.ok(guard.admit('10.0.0.1'));
  assert.equal(guard.stats().addresses, 0);
  assert.equal(guard.stats().connections, 100);
});

test('an uncounted ticket (a load balancer before its PROXY header) is counted where it moves', () => {
  const guard = new PreRouteGuard({ perAddress: 1, budgetBytes: 0 }, log);
  const lb1 = guard.admit('10.0.0.1', false)!;
  const lb2 = guard.admit('10.0.0.1', false)!;
  assert.equal(guard.stats().addresses, 0);
  assert.equal(lb1.moveTo('198.51.100.1'), true);
  assert.equal(lb2.moveTo('198.51.100.1'), false, 'the client address is at its cap');
  assert.equal(guard.stats().connections, 1, 'the refused ticket ended');
  const direct = guard.admit('198.51.100.2')!;
  assert.equal(direct.moveTo('198.51.100.2'), true, 'same address: nothing changes');
  assert.equal(direct.moveTo('198.51.100.3'), true);
  assert.ok(guard.admit('198.51.100.2'), 'the peer slot was given back on the move');
  lb1.end();
  direct.end();
  assert.deepEqual(guard.stats().addresses, 1);
});

test('each connection buffers its allowance for free; beyond it the shared budget pays', () => {
  const guard = new PreRouteGuard({ perAddress: 0, budgetBytes: 10 * KiB }, log);
  const a = guard.admit('10.0.0.1')!;
  const b = guard.admit('10.0.0.2')!;
  assert.ok(a.take(PRE_ROUTE_ALLOWANCE));
  assert.equal(guard.stats().budgetUsed, 0);
  assert.ok(a.take(8 * KiB));
  assert.equal(guard.stats().budgetUsed, 8 * KiB);
  assert.ok(b.take(PRE_ROUTE_ALLOWANCE), 'a handshake-sized connection never waits on the budget');
  assert.equal(b.take(3 * KiB), false, 'beyond the budget: refused');
  assert.ok(b.take(2 * KiB));
  assert.deepEqual(guard.stats(), { connections: 2, addresses: 0, bufferedBytes: 2 * PRE_ROUTE_ALLOWANCE + 10 * KiB, budgetUsed: 10 * KiB });
  a.end();
  b.end();
  b.end();
  assert.deepEqual(guard.stats(), { connections: 0, addresses: 0, bufferedBytes: 0, budgetUsed: 0 });
  assert.ok(a.take(100 * KiB), 'an ended ticket accounts nothing more');
  assert.equal(guard.stats().bufferedBytes, 0);
});
