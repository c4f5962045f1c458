// max_pre_route_per_ip: one address flooding the proxy with idle sockets keeps at most that many
// open (the rest are closed at accept, unread), while a real player from another address joins
// and pings. Behind a PROXY-protocol load balancer, connections are counted by the client
// address in their header, never by the balancer's. Loopback takes any 127/8 source address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, ping, plainText } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';

const VERSION = '1.21.4';
const DEFAULT_CAP = 32;
let backend: Backend;

before(async () => {
  backend = await startBackend({ version: VERSION, motd: 'Still reachable' });
});

after(async () => {
  await backend?.close();
});

interface Opened {
  socket: Socket;
  /** Resolves with ms from connect to close, and whether the proxy sent anything. */
  closed: Promise<{ afterMs: number; bytesIn: number }>;
}

/** Opens a socket from `localAddress` and resolves once connected; `first` is written at once. */
function open(port: number, localAddress: string, first?: Buffer): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    let bytesIn = 0;
    let connectedAt = 0;
    socket.on('data', (d: Buffer) => void (bytesIn += d.length));
    socket.on('error', () => undefined);
    const closed = new Promise<{ afterMs: number; bytesIn: number }>((r) => socket.once('close', () => r({ afterMs: Date.now() - connectedAt, bytesIn })));
    socket.once('connect', () => {
      connectedAt = Date.now();
      if (first !== undefined) socket.write(first);
      resolve({ socket, closed });
    });
    socket.once('close', () => reject(new Error('closed before connect')));
  });
}

/** Which of `sockets` the proxy closed within `ms` (and how fast), and which it kept open. */
async function settle(sockets: Opened[], ms: number): Promise<{ closed: { afterMs: number; bytesIn: number }[]; open: Socket[] }> {
  const outcomes = await Promise.all(sockets.map((s) => Promise.race([s.closed, new Promise<null>((r) => setTimeout(() => r(null), ms))])));
  return {
    closed: outcomes.filter((o) => o !== null),
    open: sockets.filter((_, i) => outcomes[i] === null).map((s) => s.socket),
  };
}

async function untilIdle(proxy: Harness, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (proxy.proxy.preRouteStats().connections > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

test('one address flooding idle sockets keeps only its cap; a player from another address joins', { timeout: 20_000 }, async () => {
  // max_connections as in the report: without a per-address cap, 60 idle sockets took all 50 slots.
  const proxy = await startProxy({ global: 'max_connections = 50', servers: { main: serverToml(['main.test'], [backend.port]) } });
  try {
    const flood = await Promise.all(Array.from({ length: 60 }, () => open(proxy.port, '127.0.0.2')));
    const { closed, open: kept } = await settle(flood, 1000);
    assert.equal(kept.length, DEFAULT_CAP, 'the default cap holds');
    assert.equal(closed.length, 60 - DEFAULT_CAP);
    for (const c of closed) {
      assert.equal(c.bytesIn, 0, 'refused without an answer');
      assert.ok(c.afterMs < 500, `a refused socket was closed after ${c.afterMs} ms`);
    }
    assert.deepEqual(proxy.proxy.preRouteStats(), { connections: DEFAULT_CAP, addresses: 1, bufferedBytes: 0, budgetUsed: 0 });

    // While the flood holds its slots, a real player (127.0.0.1) joins and pings.
    await join({ port: proxy.port, domain: 'main.test', version: VERSION, username: 'neighbour', timeoutMs: 8000 });
    assert.ok(backend.joined.includes('neighbour'));
    assert.equal(plainText((await ping(proxy.port, 'main.test', VERSION)).description), 'Still reachable');
    // The attacker reopening gets nothing more.
    const again = await open(proxy.port, '127.0.0.2');
    assert.equal((await settle([again], 1000)).closed.length, 1);
    assert.ok(kept.every((s) => !s.destroyed), 'the kept sockets are still open');

    for (const s of kept) s.destroy();
    await untilIdle(proxy);
    assert.deepEqual(proxy.proxy.preRouteStats(), { connections: 0, addresses: 0, bufferedBytes: 0, budgetUsed: 0 });
    // Freed: the address may connect again.
    const after = await open(proxy.port, '127.0.0.2');
    assert.equal((await settle([after], 300)).open.length, 1);
    after.socket.destroy();
  } finally {
    await proxy.stop();
  }
});

test('behind a PROXY-protocol balancer, connections count by the client address in the header', { timeout: 20_000 }, async () => {
  const proxy = await startProxy({
    global: 'receive_proxy_protocol = true\ntrusted_proxies = ["127.0.0.1/32"]\nmax_pre_route_per_ip = 4',
    servers: { main: serverToml(['main.test'], [backend.port]) },
  });
  const header = (client: string): Buffer => Buffer.from(`PROXY TCP4 ${client} 127.0.0.1 40000 25565\r\n`);
  try {
    // Ten clients at ten addresses through the balancer: all kept (the balancer is not capped).
    const many = await Promise.all(Array.from({ length: 10 }, (_, i) => open(proxy.port, '127.0.0.1', header(`198.51.100.${10 + i}`))));
    // One client at one address, ten times: four kept, the rest closed once their header is read.
    const flood = await Promise.all(Array.from({ length: 10 }, () => open(proxy.port, '127.0.0.1', header('203.0.113.66'))));
    const [spread, one] = await Promise.all([settle(many, 1000), settle(flood, 1000)]);
    assert.equal(spread.open.length, 10);
    assert.equal(one.open.length, 4);
    assert.ok(one.closed.every((c) => c.bytesIn === 0));
    assert.equal(proxy.proxy.preRouteStats().addresses, 11);

    // A real ping from yet another client address gets its answer meanwhile.
    const status = await ping(proxy.port, 'main.test', VERSION, (s) => s.write(header('192.0.2.1')));
    assert.equal(plainText(status.description), 'Still reachable');

    for (const s of [...spread.open, ...one.open]) s.destroy();
    await untilIdle(proxy);
    assert.deepEqual(proxy.proxy.preRouteStats(), { connections: 0, addresses: 0, bufferedBytes: 0, budgetUsed: 0 });
  } finally {
    await proxy.stop();
  }
});
