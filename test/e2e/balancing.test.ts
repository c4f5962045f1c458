// Load balancing and health of a server's addresses through the real proxy (issue 13, parts 4-5),
// with three real minecraft-protocol backends and real clients (passthrough; one intercepted case):
// round robin spreads 30 logins evenly; least_connections sends a new player to the emptiest
// backend; a backend killed mid-test is ejected by [health_check] (BackendHealthChange fires,
// `servers` shows it) and no new player is sent there; without probes the first failed connect
// marks it (passive); one file with `*.mc.test` and `127.0.0.$1` routes two domains to two backends.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server } from 'node:net';
import { once } from 'node:events';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, ping, plainText } from '../helpers/client.ts';
import { startProxy, type Harness } from '../helpers/proxy-harness.ts';
import type { EventMap } from '../../sdk/events.ts';
import type mc from 'minecraft-protocol';

const VERSION = '1.21.4';
let backends: Backend[];
let proxy: Harness;
const health: EventMap['BackendHealthChange'][] = [];

const addresses = (list: Backend[]) => JSON.stringify(list.map((b) => `127.0.0.1:${b.port}`));
const joinedWith = (b: Backend, prefix: string) => b.joined.filter((n) => n.startsWith(prefix)).length;

/** Runs `n` logins, at most `width` at once. */
async function logins(domain: string, prefix: string, n: number, width = 5): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      await join({ port: proxy.port, domain, version: VERSION, username: `${prefix}${i}` });
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

before(async () => {
  backends = await Promise.all([0, 1, 2, 3, 4, 5].map(() => startBackend({ version: VERSION })));
  const [a, b, c, d, e, f] = backends as [Backend, Backend, Backend, Backend, Backend, Backend];
  proxy = await startProxy({
    servers: {
      rr: `domains = ["rr.test"]\naddresses = ${addresses([a, b, c])}\nbalance = "round_robin"\n`,
      lc: `domains = ["lc.test"]\naddresses = ${addresses([a, b, c])}\nbalance = "least_connections"\n`,
      off: `domains = ["off.test"]\naddresses = ${addresses([a, b, c])}\nbalance = "round_robin"\nproxy_mode = "offline"\n`,
      hc: `domains = ["hc.test"]\naddresses = ${addresses([d, e, f])}\nbalance = "round_robin"\n[health_check]\ninterval = "100ms"\ntimeout = "2s"\nunhealthy_after = 2\nhealthy_after = 2\n`,
    },
  });
  proxy.proxy.layers.events.on('test', 'BackendHealthChange', (e) => void health.push(e));
});

after(async () => {
  await proxy?.stop();
  await Promise.all(backends.map((b) => b.close().catch(() => undefined)));
});

test('round_robin spreads 30 logins evenly over three backends', async () => {
  await logins('rr.test', 'rr', 30);
  assert.deepEqual(backends.slice(0, 3).map((b) => joinedWith(b, 'rr')), [10, 10, 10]);
});

test('intercepted (offline) logins are balanced the same way', async () => {
  await logins('off.test', 'off', 6, 2);
  assert.deepEqual(backends.slice(0, 3).map((b) => joinedWith(b, 'off')), [2, 2, 2]);
});

test('least_connections sends new players to the emptiest backend', async () => {
  const held: mc.Client[] = [];
  const hold = async (name: string) => held.push((await join({ port: proxy.port, domain: 'lc.test', version: VERSION, username: name, keep: true })).client);
  try {
    await hold('lc0');
    await hold('lc1');
    await hold('lc2');
    assert.deepEqual(backends.slice(0, 3).map((b) => joinedWith(b, 'lc')), [1, 1, 1], 'one each');
    held[1]!.end(); // the second backend empties
    const lc = () => proxy.api.servers().find((s) => s.id === 'lc')!;
    await until('the count to drop', () => lc().health?.[1]?.connections === 0);
    await hold('lc3');
    await hold('lc4');
    assert.ok(backends[1]!.joined.includes('lc3'), 'the emptiest backend got the next player');
    assert.ok(backends[0]!.joined.includes('lc4'), 'then a tie: list order');
    assert.deepEqual(lc().health?.map((h) => h.connections), [2, 1, 1]);
  } finally {
    for (const c of held) c.end();
  }
});

test('a backend killed mid-test is marked unhealthy by [health_check] and gets no new player', async () => {
  const [d, e, f] = backends.slice(3) as [Backend, Backend, Backend];
  await logins('hc.test', 'hcA', 3, 1);
  assert.deepEqual([d, e, f].map((b) => joinedWith(b, 'hcA')), [1, 1, 1]);
  const killed = `127.0.0.1:${e.port}`;
  await e.close();
  await until('BackendHealthChange', () => health.some((h) => h.address === killed && !h.healthy));
  const event = health.find((h) => h.address === killed)!;
  assert.equal(event.serverId, 'hc');
  assert.match(event.reason, /health check failed/);
  const hc = proxy.api.servers().find((s) => s.id === 'hc')!;
  assert.deepEqual(hc.health?.map((h) => h.healthy), [true, false, true]);
  await logins('hc.test', 'hcB', 10, 2);
  assert.equal(joinedWith(d, 'hcB') + joinedWith(f, 'hcB'), 10);
  assert.equal(joinedWith(d, 'hcB'), 5, 'the two left share the players');
  assert.deepEqual(health.filter((h) => h.serverId === 'hc').map((h) => h.reason.split(':')[0]), ['health check failed'], 'no player was sent there (no connect failure)');
});

test('without probes a failed connect marks the address (passive); the player still gets in', async (t) => {
  const dead = await startBackend({ version: VERSION });
  const deadPort = dead.port;
  await dead.close();
  const [a] = backends as [Backend];
  await proxy.writeServer('passive', `domains = ["passive.test"]\naddresses = ["127.0.0.1:${deadPort}", "127.0.0.1:${a.port}"]\nbalance = "round_robin"\n`);
  await proxy.nextReload();
  t.after(() => proxy.removeServer('passive'));
  await logins('passive.test', 'pv', 4, 1);
  assert.equal(joinedWith(a, 'pv'), 4);
  assert.ok(health.some((h) => h.serverId === 'passive' && h.address === `127.0.0.1:${deadPort}` && !h.healthy && /connect failed/.test(h.reason)));
  assert.equal(health.filter((h) => h.serverId === 'passive').length, 1, 'marked once, then skipped');
});

/** 127.0.0.<n>:port forwarding to a backend, so `127.0.0.$1` can pick one by the player's domain. */
async function forwarder(ip: string, port: number, to: number): Promise<Server> {
  const server = createServer((s) => {
    const b = connect(to, '127.0.0.1');
    s.pipe(b).pipe(s);
    s.on('error', () => b.destroy());
    b.on('error', () => s.destroy());
  });
  server.listen(port, ip);
  await once(server, 'listening');
  return server;
}

test('$1 capture routes 2.mc.test and 3.mc.test to different backends from one file', async (t) => {
  const [a, b] = await Promise.all([startBackend({ version: VERSION, motd: 'fleet A' }), startBackend({ version: VERSION, motd: 'fleet B' })]);
  t.after(() => Promise.all([a.close(), b.close()]));
  const probe = createServer().listen(0, '127.0.0.2');
  await once(probe, 'listening');
  const port = (probe.address() as { port: number }).port;
  probe.close();
  const fwd = [await forwarder('127.0.0.2', port, a.port), await forwarder('127.0.0.3', port, b.port)];
  t.after(() => fwd.forEach((s) => s.close()));
  await proxy.writeServer('fleet', `domains = ["*.mc.test"]\naddresses = ["127.0.0.$1:${port}"]\n`);
  await proxy.nextReload();
  t.after(() => proxy.removeServer('fleet'));
  await join({ port: proxy.port, domain: '2.mc.test', version: VERSION, username: 'cap2' });
  await join({ port: proxy.port, domain: '3.mc.test', version: VERSION, username: 'cap3' });
  assert.ok(a.joined.includes('cap2') && !b.joined.includes('cap2'));
  assert.ok(b.joined.includes('cap3') && !a.joined.includes('cap3'));
  assert.equal(plainText((await ping(proxy.port, '2.mc.test')).description), 'fleet A');
  assert.equal(plainText((await ping(proxy.port, '3.mc.test')).description), 'fleet B', 'status is cached per captured backend');
  await assert.rejects(join({ port: proxy.port, domain: 'x.mc.test', version: VERSION, username: 'capx', timeoutMs: 5000 }), /unreachable/i, '127.0.0.x is no host: the disconnect message');
});
