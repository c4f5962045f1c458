import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { probeAddress } from '../kernel/status/health-probe.ts';
import { HealthChecker } from '../kernel/net/health-checker.ts';
import type { ProbeJob } from '../kernel/routing/probe-job.ts';
import { BackendPools } from '../kernel/routing/backend-pools.ts';
import { startBackend } from './helpers/backend.ts';

async function listen(onSocket: (s: Socket) => void): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    onSocket(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, port: (server.address() as { port: number }).port, sockets };
}

async function deadPort(): Promise<number> {
  const { server, port } = await listen(() => {});
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const target = (port: number, kind: 'tcp' | 'status_ping', timeoutMs = 300) => ({ address: { host: '127.0.0.1', port }, kind, timeoutMs, handshakeHost: 'probe.test', proxyHeader: false });

test('probes: a dead port fails, a silent acceptor times out, a real server answers the status ping', async (t) => {
  const dead = await deadPort();
  await assert.rejects(probeAddress(target(dead, 'tcp')), /ECONNREFUSED/);
  await assert.rejects(probeAddress(target(dead, 'status_ping')), /ECONNREFUSED/);

  const silent = await listen(() => {}); // accepts, never answers
  t.after(() => {
    for (const s of silent.sockets) s.destroy();
    silent.server.close();
  });
  await probeAddress(target(silent.port, 'tcp')); // a TCP probe cannot tell
  const started = Date.now();
  await assert.rejects(probeAddress(target(silent.port, 'status_ping', 300)), /no status within/);
  const took = Date.now() - started;
  assert.ok(took >= 250 && took < 1500, `the probe ends at its deadline (${took} ms)`);

  const backend = await startBackend({ version: '1.21.4', motd: 'probe me' });
  t.after(() => backend.close());
  await probeAddress(target(backend.port, 'status_ping', 2000));
  assert.deepEqual(backend.hosts, ['probe.test']);
});

test('checker: at most max_concurrent probes in flight, the rest queued; stop drops the queue', async () => {
  let inFlight = 0;
  let peak = 0;
  const releases: (() => void)[] = [];
  const results: (Error | undefined)[] = [];
  let handed = false;
  const checker = new HealthChecker({
    maxConcurrent: 2,
    due: () => {
      if (handed) return [];
      handed = true;
      return Array.from({ length: 5 }, (): ProbeJob => ({ target: target(1, 'tcp'), done: (e) => results.push(e) }));
    },
    probe: () => {
      peak = Math.max(peak, ++inFlight);
      return new Promise<void>((r) => releases.push(() => (inFlight--, r())));
    },
  });
  checker.schedule(20);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(peak, 2);
  assert.equal(checker.pending, 5);
  releases.shift()!();
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(results.length, 1);
  assert.equal(peak, 2);
  checker.stop();
  releases.forEach((r) => r());
  await new Promise((r) => setTimeout(r, 5));
  assert.equal(results.length, 1, 'results after stop are discarded');
});

test('pools with [health_check]: a killed backend is ejected by probes, a restarted one comes back; events per change', async (t) => {
  const live = await listen((s) => s.end());
  const changes: string[] = [];
  const pools = new BackendPools({ connect_max_attempts: 3, active_health: { enabled: true, kind: 'tcp', unhealthy_interval: 10_000, probe_healthy: false, interval: 30_000, timeout: 3000, max_concurrent: 4, unhealthy_after: 1, healthy_after: 1 } }, {
    onChange: (id, address, c) => changes.push(`${id} ${address} ${c.healthy ? 'up' : 'down'}`),
  });
  const checker = new HealthChecker({ due: (now) => pools.dueProbes(now), probe: probeAddress, maxConcurrent: 4 });
  t.after(() => checker.stop());
  const server = {
    id: 's', domains: ['s.test'], balance: 'round_robin' as const, active_health: undefined, connect_max_attempts: undefined, send_proxy_protocol: false,
    addresses: [{ host: '127.0.0.1', port: live.port, weight: 1 }],
    health_check: { enabled: true, kind: 'tcp' as const, interval: 40, timeout: 200, unhealthy_after: 2, healthy_after: 2 },
  };
  pools.update([server]);
  checker.schedule(pools.probeTickMs());
  await new Promise((r) => setTimeout(r, 150));
  assert.deepEqual(changes, []);
  const port = live.port;
  await new Promise<void>((r) => live.server.close(() => r()));
  const until = async (n: number) => {
    for (let i = 0; i < 100 && changes.length < n; i++) await new Promise((r) => setTimeout(r, 20));
  };
  await until(1);
  assert.deepEqual(changes, [`s 127.0.0.1:${port} down`]);
  assert.equal(pools.status('s')?.[0]?.healthy, false);
  const again = createServer((s) => s.end()).listen(port, '127.0.0.1');
  t.after(() => again.close());
  await until(2);
  assert.deepEqual(changes, [`s 127.0.0.1:${port} down`, `s 127.0.0.1:${port} up`]);
});
