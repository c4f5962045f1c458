// The status cache cannot be bypassed with made-up protocol numbers: one backend request per
// server and protocol era, whatever number the client sends; real entries stay; a multi-version
// backend's clients get their own protocol number back, a single-version backend's answer passes
// unchanged.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, ping, plainText } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { encodeHandshake } from '../../kernel/protocol/packets/handshake.ts';
import { decodeStatusResponse, encodeStatusRequest } from '../../kernel/protocol/packets/status.ts';
import { FrameSplitter } from '../../kernel/protocol/frame-splitter.ts';
import { PROTOCOL_ERAS, protocolEra } from '../../kernel/status/protocol-eras.ts';

let single: Backend;
let singleConnections = 0;
/** minecraft-protocol's own multi-version mode (`version: false`): it answers a ping with the client's protocol when it knows it. */
let multi: { server: mc.Server; port: number; connections: number };
let proxy: Harness;

before(async () => {
  single = await startBackend({ version: '1.21.4', motd: 'Real MOTD' });
  (single.server as unknown as EventEmitter).on('connection', () => singleConnections++);
  multi = await startMultiVersionBackend();
  proxy = await startProxy({
    // max_entries far below the 200 numbers: before eras, the flood pushed real entries out.
    global: '[status_cache]\nttl = "60s"\nmax_entries = 10\n',
    servers: {
      single: serverToml(['single.test'], [single.port]),
      multi: serverToml(['multi.test'], [multi.port]),
    },
  });
});

after(async () => {
  await proxy?.stop();
  await single?.close();
  multi?.server.close();
});

async function startMultiVersionBackend(): Promise<{ server: mc.Server; port: number; connections: number }> {
  const server = mc.createServer({ host: '127.0.0.1', port: 0, version: false, fallbackVersion: '1.21.8', motd: 'Multi MOTD', 'online-mode': false, hideErrors: true } as unknown as mc.ServerOptions);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = ((server as unknown as { socketServer: { address(): AddressInfo } }).socketServer.address()).port;
  const result = { server, port, connections: 0 };
  (server as unknown as EventEmitter).on('connection', () => result.connections++);
  return result;
}

/** A status ping over a raw socket with any protocol number; resolves with the parsed answer. */
function rawPing(domain: string, protocolVersion: number): Promise<{ version: { protocol: number }; description: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxy.port, '127.0.0.1');
    const splitter = new FrameSplitter({ maxFrame: 1 << 20 });
    const timer = setTimeout(() => socket.destroy(new Error(`no status answer for protocol ${protocolVersion}`)), 5000);
    socket.on('error', reject);
    socket.on('connect', () => socket.write(Buffer.concat([encodeHandshake({ protocolVersion, address: domain, port: 25565, nextState: 1 }), encodeStatusRequest()])));
    socket.on('data', (chunk: Buffer) => {
      splitter.push(chunk);
      const frame = splitter.next();
      if (frame === null) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(JSON.parse(decodeStatusResponse(frame)));
    });
  });
}

/** Runs `task` over `items`, `width` at a time. */
async function inBatches<T, R>(items: readonly T[], width: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(task))));
  return out;
}

test('200 pings with 200 made-up protocol numbers cost at most one backend request per era, and evict nothing', async (t) => {
  const real = await ping(proxy.port, 'single.test', '1.21.4');
  assert.equal(plainText(real.description), 'Real MOTD');
  assert.equal(singleConnections, 1);
  // Spread over every era: negative, small, between releases, past the newest, huge.
  const numbers = Array.from({ length: 200 }, (_, i) => (i < 10 ? -1 - i * 1000 : i < 110 ? 1003 - (i - 10) * 10 : 100_000 + i * 7919));
  assert.equal(new Set(numbers).size, 200);
  // A real player joins and a real client pings while the flood runs.
  // 20 at a time: under max_pre_route_per_ip (32 from one address), with the player and the ping.
  const flood = inBatches(numbers, 20, (n) => rawPing('single.test', n));
  const [answers, during] = await Promise.all([flood, ping(proxy.port, 'single.test', '1.21.4'), join({ port: proxy.port, domain: 'single.test', version: '1.21.4', username: 'duringFlood' })]);
  assert.equal(plainText(during.description), 'Real MOTD');
  assert.ok(single.joined.includes('duringFlood'));
  const logins = 1; // the join is a backend connection too, not a status request
  const eras = new Set(numbers.map((n) => protocolEra(n).id));
  const fetches = singleConnections - 1 - logins;
  t.diagnostic(`${fetches} backend connections for 200 made-up protocol numbers (${eras.size} eras)`);
  assert.ok(fetches <= eras.size && eras.size <= PROTOCOL_ERAS.length, `${fetches} backend connections for 200 made-up numbers over ${eras.size} eras`);
  for (const a of answers) {
    assert.equal(plainText(a.description), 'Real MOTD');
    assert.equal(a.version.protocol, 769, "a single-version backend's own number passes unchanged");
  }
  const again = await ping(proxy.port, 'single.test', '1.21.4');
  assert.equal(plainText(again.description), 'Real MOTD');
  assert.equal(again.version.protocol, 769);
  assert.equal(singleConnections - 1 - logins, fetches, "the real client's entry was still cached");
});

test('a multi-version backend: each client gets its own protocol number; one request per era', async () => {
  const before = multi.connections;
  const r1214 = await ping(proxy.port, 'multi.test', '1.21.4');
  const r1218 = await ping(proxy.port, 'multi.test', '1.21.8');
  const r1204 = await ping(proxy.port, 'multi.test', '1.20.4');
  assert.deepEqual([r1214.version.protocol, r1218.version.protocol, r1204.version.protocol], [769, 772, 765]);
  assert.equal(plainText(r1214.description), 'Multi MOTD');
  assert.equal(multi.connections - before, 2, 'two eras, two backend requests');
});
