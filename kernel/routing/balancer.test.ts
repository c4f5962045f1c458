import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressHealth } from './address-health.ts';
import { orderAddresses } from './balancer.ts';
import { BackendPool, type PoolServer } from './backend-pool.ts';
import type { HealthPolicy } from './health-policy.ts';
import type { BackendAddress } from '../config/schema-address.ts';
import { EventEmitter } from 'node:events';

const states = (...weights: number[]) => weights.map((w, i) => new AddressHealth(`a${i}`, { host: `a${i}`, port: 1, weight: w }, true));
const keys = (list: AddressHealth[]) => list.map((s) => s.key);
const first = (strategy: Parameters<typeof orderAddresses>[0], all: AddressHealth[], n: number, rng?: () => number) =>
  Array.from({ length: n }, () => orderAddresses(strategy, all, Infinity, rng)[0]!.key);
const count = (picks: string[]) => picks.reduce<Record<string, number>>((m, k) => ((m[k] = (m[k] ?? 0) + 1), m), {});

/** A seeded rng (mulberry32): the same sequence every run. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('first_available keeps configuration order; the others follow as failover', () => {
  assert.deepEqual(keys(orderAddresses('first_available', states(1, 5, 1), Infinity)), ['a0', 'a1', 'a2']);
});

test('round_robin spreads 30 picks evenly over three equal addresses, in rotation', () => {
  const all = states(1, 1, 1);
  const picks = first('round_robin', all, 30);
  assert.deepEqual(count(picks), { a0: 10, a1: 10, a2: 10 });
  assert.deepEqual(picks.slice(0, 6), ['a0', 'a1', 'a2', 'a0', 'a1', 'a2']);
  assert.deepEqual(keys(orderAddresses('round_robin', all, Infinity)).length, 3, 'the rest follow as failover');
});

test('round_robin honours weights smoothly (3,1,1 → a a b a c, never bursts of the light ones)', () => {
  const picks = first('round_robin', states(3, 1, 1), 50);
  assert.deepEqual(count(picks), { a0: 30, a1: 10, a2: 10 });
  assert.deepEqual(picks.slice(0, 5), ['a0', 'a1', 'a0', 'a2', 'a0']);
});

test('least_connections picks the fewest live connections per weight; ties keep list order', () => {
  const all = states(1, 1, 2);
  all[0]!.live = 3;
  all[1]!.live = 1;
  all[2]!.live = 3; // 1.5 per unit of weight
  assert.deepEqual(keys(orderAddresses('least_connections', all, Infinity)), ['a1', 'a2', 'a0']);
  all[1]!.live = 2;
  all[2]!.live = 4;
  assert.deepEqual(keys(orderAddresses('least_connections', all, Infinity)), ['a1', 'a2', 'a0'], '2/1 = 4/2: list order');
});

test('random is weighted and reproducible with an injected rng', () => {
  const all = states(1, 3);
  const picks = first('random', all, 4000, seeded(42));
  const share = count(picks).a1! / 4000;
  assert.ok(share > 0.71 && share < 0.79, `weight 3 of 4 gets ~75%, got ${share}`);
  assert.deepEqual(first('random', all, 20, seeded(7)), first('random', all, 20, seeded(7)));
  assert.equal(orderAddresses('random', all, Infinity, seeded(1)).length, 2, 'every address once');
});

test('unhealthy addresses are skipped; none healthy → all are tried (fail open); max attempts cut the list', () => {
  const all = states(1, 1, 1);
  all[1]!.healthy = false;
  assert.deepEqual(keys(orderAddresses('first_available', all, Infinity)), ['a0', 'a2']);
  assert.deepEqual(count(first('round_robin', all, 10)), { a0: 5, a2: 5 });
  for (const s of all) s.healthy = false;
  assert.deepEqual(keys(orderAddresses('first_available', all, Infinity)), ['a0', 'a1', 'a2']);
  assert.deepEqual(keys(orderAddresses('first_available', all, 2)), ['a0', 'a1']);
});

const policy: HealthPolicy = { probe: true, kind: 'tcp', healthyInterval: 1000, unhealthyInterval: 500, timeout: 100, unhealthyAfter: 2, healthyAfter: 2 };

test('health: unhealthy_after failures eject, healthy_after good probes restore, a player connect restores at once', () => {
  const [s] = states(1);
  assert.equal(s!.fail('x', policy, 0), undefined);
  assert.deepEqual(s!.fail('refused', policy, 0), { healthy: false, reason: 'refused' });
  assert.equal(s!.succeed(policy, false, 'ok'), undefined);
  assert.equal(s!.fail('again', policy, 0), undefined, 'a failure resets the success streak');
  assert.equal(s!.succeed(policy, false, 'ok'), undefined);
  assert.deepEqual(s!.succeed(policy, false, 'ok'), { healthy: true, reason: 'ok' });
  s!.fail('a', policy, 0);
  s!.fail('b', policy, 0);
  assert.deepEqual(s!.succeed(policy, true, 'a player connected'), { healthy: true, reason: 'a player connected' });
});

test('health: without probes a passive mark expires after unhealthy_interval', () => {
  const [s] = states(1);
  const passive = { ...policy, probe: false, unhealthyAfter: 1 };
  s!.fail('refused', passive, 1000);
  assert.equal(s!.expire(passive, 1400), undefined);
  assert.equal(s!.expire(passive, 1500)?.healthy, true);
});

const server = (over: Partial<PoolServer> = {}): PoolServer => ({
  id: 'lobby',
  domains: ['play.test'],
  addresses: [{ host: '10.0.0.1', port: 25565, weight: 1 }, { host: '10.0.0.2', port: 25565, weight: 1 }, { host: '10.0.0.3', port: 25565, weight: 1 }],
  balance: 'round_robin',
  health_check: undefined,
  active_health: undefined,
  connect_max_attempts: undefined,
  send_proxy_protocol: false,
  ...over,
});
const globalConfig = { connect_max_attempts: 3, active_health: { enabled: true, kind: 'tcp' as const, unhealthy_interval: 10_000, probe_healthy: false, interval: 30_000, timeout: 3000, max_concurrent: 8, unhealthy_after: 1, healthy_after: 1 } };

test('pool: passive marking on connect failure, live counts until close, events per change', () => {
  const changes: string[] = [];
  const pool = new BackendPool(server({ balance: 'least_connections' }), globalConfig, (id, address, c) => changes.push(`${id} ${address} ${c.healthy}`));
  const dial = pool.dial(server().addresses);
  dial.failed(dial.addresses[0]!, new Error('connect ECONNREFUSED'));
  assert.deepEqual(changes, ['lobby 10.0.0.1:25565 false']);
  const life = new EventEmitter();
  dial.connected(dial.addresses[1]!, life);
  const next = pool.dial(server().addresses);
  assert.deepEqual(next.addresses.map((a) => a.host), ['10.0.0.3', '10.0.0.2'], 'dead one skipped, emptiest first');
  assert.equal(pool.status().find((s) => s.address === '10.0.0.2:25565')?.connections, 1);
  life.emit('close');
  assert.equal(pool.status().find((s) => s.address === '10.0.0.2:25565')?.connections, 0);
  assert.equal(pool.status()[0]!.healthy, false);
  assert.match(pool.status()[0]!.reason, /ECONNREFUSED/);
});

test('pool: a reload keeps the state of addresses that stay, drops the others; connect_max_attempts', () => {
  const pool = new BackendPool(server(), globalConfig, () => {});
  pool.failed({ host: '10.0.0.2', port: 25565 }, new Error('down'));
  pool.update(server({ addresses: [{ host: '10.0.0.2', port: 25565, weight: 1 }, { host: '10.0.0.9', port: 25565, weight: 1 }], connect_max_attempts: 1 }), globalConfig);
  assert.deepEqual(pool.status().map((s) => `${s.address} ${s.healthy}`), ['10.0.0.2:25565 false', '10.0.0.9:25565 true']);
  assert.equal(pool.dial(server().addresses.slice(1, 2)).addresses.length, 1);
  assert.deepEqual(pool.dial([{ host: '10.0.0.2', port: 25565, weight: 1 }, { host: '10.0.0.9', port: 25565, weight: 1 }]).addresses.map((a: BackendAddress) => a.host), ['10.0.0.9']);
});

test('pool: capture-built addresses are tracked while used, never probed, forgotten when idle', () => {
  const pool = new BackendPool(server({ addresses: [{ host: '$1.internal', port: 25565, weight: 1 }] }), globalConfig, () => {});
  const dial = pool.dial([{ host: 'a.internal', port: 25565, weight: 1 }]);
  const life = new EventEmitter();
  dial.connected(dial.addresses[0]!, life);
  assert.deepEqual(pool.status().map((s) => `${s.address} ${s.connections}`), ['a.internal:25565 1']);
  assert.deepEqual(pool.dueProbes(Date.now() + 1e9), []);
  life.emit('close');
  assert.deepEqual(pool.status(), []);
});

test('pool: probes are due for ejected addresses only (v2 default), for all with probe_healthy', () => {
  const pool = new BackendPool(server(), globalConfig, () => {});
  assert.deepEqual(pool.dueProbes(Date.now()), []);
  pool.failed({ host: '10.0.0.1', port: 25565 }, new Error('down'));
  assert.deepEqual(pool.dueProbes(Date.now() + 10_001).map((s) => s.key), ['10.0.0.1:25565']);
  assert.deepEqual(pool.dueProbes(Date.now() + 10_001), [], 'in flight: not twice');
  const all = new BackendPool(server({ health_check: { enabled: true, kind: 'status_ping', interval: 1000, timeout: 100, unhealthy_after: 3, healthy_after: 2 } }), globalConfig, () => {});
  assert.equal(all.dueProbes(Date.now()).length, 3);
});

test('pools follow the server files: probes are scheduled while a server has them, none after it is removed', async () => {
  const { BackendPools } = await import('./backend-pools.ts');
  const pools = new BackendPools(globalConfig, { onChange: () => {} });
  const checked = server({ health_check: { enabled: true, kind: 'status_ping', interval: 2000, timeout: 100, unhealthy_after: 3, healthy_after: 2 } });
  pools.update([checked]);
  assert.equal(pools.probeTickMs(), 500, 'a quarter of the interval');
  assert.equal(pools.dueProbes(Date.now()).length, 3);
  pools.update([server()]);
  assert.equal(pools.probeTickMs(), 1000, 'v2 default (probes for ejected addresses every 10 s): the 1 s cap');
  assert.deepEqual(pools.dueProbes(Date.now()), []);
  pools.update([]);
  assert.equal(pools.probeTickMs(), 0);
  assert.equal(pools.status('lobby'), undefined);
  assert.deepEqual(pools.dial(server()).addresses.length, 3, 'an unknown server dials in configuration order');
});

test('status pings ask healthy addresses first and keep the others as a last resort', async () => {
  const { BackendPools } = await import('./backend-pools.ts');
  const pools = new BackendPools(globalConfig, { onChange: () => {} });
  const s = server();
  pools.update([s]);
  pools.dial(s).failed({ host: '10.0.0.1', port: 25565 }, new Error('refused'));
  assert.deepEqual(pools.statusOrder(s).map((a) => a.host), ['10.0.0.2', '10.0.0.3', '10.0.0.1']);
});
