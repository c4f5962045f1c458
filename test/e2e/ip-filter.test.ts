// The ip-filter builtin plugin with real clients: global rules refuse at accept (silent close,
// before any byte is read), per-server rules refuse after routing and follow server-file reloads.
// Other loopback addresses (127.0.0.2, …) stand in for other clients. IPv6 and IPv4-mapped
// matching is covered by the plugin's unit tests (the harness binds 127.0.0.1 only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import mc from 'minecraft-protocol';
import { startBackend } from '../helpers/backend.ts';
import { join, KickError } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';

const VERSION = '1.21.4';

/** Joins from a chosen local address (minecraft-protocol's `connect` option gets our socket). */
function joinFrom(localAddress: string, port: number, domain: string, username: string) {
  const extra = { connect: (client: { setSocket(s: Socket): void }) => client.setSocket(connect({ port, host: '127.0.0.1', localAddress })) };
  return join({ port, domain, version: VERSION, username, extra, timeoutMs: 5000 });
}

/** A server-list ping from a chosen local address. */
function pingFrom(localAddress: string, port: number, domain: string): Promise<unknown> {
  const stream = connect({ port, host: '127.0.0.1', localAddress });
  stream.on('error', () => undefined);
  return mc.ping({ host: domain, port: 25565, version: VERSION, stream, noPongTimeout: 2000 } as mc.PingOptions);
}

/** The connection was closed without a kick message. */
async function refusedSilently(attempt: Promise<unknown>): Promise<void> {
  const err = await attempt.then(() => assert.fail('should be refused'), (e: unknown) => e);
  assert.ok(!(err instanceof KickError), `expected a silent close, got ${String(err)}`);
}

/** Opens a raw socket and reports how many bytes arrived before the proxy closed it. */
function rawClose(port: number, localAddress: string): Promise<{ closed: boolean; bytes: number }> {
  return new Promise((resolve) => {
    let bytes = 0;
    const s = connect({ port, host: '127.0.0.1', localAddress });
    s.on('error', () => undefined);
    s.on('data', (d: Buffer) => void (bytes += d.length));
    s.once('close', () => resolve({ closed: true, bytes }));
    setTimeout(() => (s.destroy(), resolve({ closed: false, bytes })), 2000);
  });
}

async function stopAll(proxy: Harness | undefined, ...backends: { close(): Promise<void> }[]): Promise<void> {
  await proxy?.stop();
  for (const b of backends) await b.close();
}

test('global rules: a whitelisted client joins; a blacklisted or unlisted one is closed at accept', async (t) => {
  const backend = await startBackend({ version: VERSION });
  const proxy = await startProxy({
    builtins: ['ip-filter'],
    global: '[ip_filter]\nwhitelist = ["127.0.0.1", "127.0.0.2/32"]\nblacklist = ["127.0.0.2"]\n',
    servers: { lobby: serverToml(['lobby.test'], [backend.port]) },
  });
  t.after(() => stopAll(proxy, backend));
  const rejected: string[] = [];
  const off = proxy.proxy.layers.events.on('t', 'ConnectionRejected', (e) => void rejected.push(`${e.conn.remoteAddress} ${e.reason}`));
  t.after(off);

  await join({ port: proxy.port, domain: 'lobby.test', version: VERSION, username: 'allowed' });
  assert.deepEqual(await rawClose(proxy.port, '127.0.0.2'), { closed: true, bytes: 0 }, 'blacklisted inside the whitelist: closed, not a byte');
  await refusedSilently(joinFrom('127.0.0.2', proxy.port, 'lobby.test', 'blacklisted'));
  await refusedSilently(joinFrom('127.0.0.3', proxy.port, 'lobby.test', 'unlisted'));
  await assert.rejects(pingFrom('127.0.0.3', proxy.port, 'lobby.test'));
  assert.deepEqual(backend.joined, ['allowed']);
  assert.ok(rejected.includes('127.0.0.2 ip-filter') && rejected.includes('127.0.0.3 ip-filter'), rejected.join(', '));
});

test('per-server rules: one server refuses 127.0.0.2, another admits it; reloads take effect', async (t) => {
  const backend = await startBackend({ version: VERSION, motd: 'backend' });
  const proxy = await startProxy({
    builtins: ['ip-filter'],
    servers: {
      strict: serverToml(['strict.test'], [backend.port], '[ip_filter]\nblacklist = ["127.0.0.2"]'),
      open: serverToml(['open.test'], [backend.port]),
    },
  });
  t.after(() => stopAll(proxy, backend));
  assert.equal(proxy.proxy.layers.transport.isEmpty, true, 'no global rules: accepts pay nothing');

  await joinFrom('127.0.0.2', proxy.port, 'open.test', 'visitor');
  await refusedSilently(joinFrom('127.0.0.2', proxy.port, 'strict.test', 'outsider'));
  const started = Date.now();
  await assert.rejects(pingFrom('127.0.0.2', proxy.port, 'strict.test'));
  assert.ok(Date.now() - started < 1500, 'closed at once, not left to time out');
  await joinFrom('127.0.0.1', proxy.port, 'strict.test', 'insider');
  await pingFrom('127.0.0.1', proxy.port, 'strict.test');
  assert.deepEqual(backend.joined, ['visitor', 'insider']);

  const reloaded = proxy.nextReload();
  await proxy.writeServer('strict', serverToml(['strict.test'], [backend.port], '[ip_filter]\nwhitelist = ["127.0.0.3"]'));
  await reloaded;
  await refusedSilently(joinFrom('127.0.0.1', proxy.port, 'strict.test', 'nowout'));
  await joinFrom('127.0.0.3', proxy.port, 'strict.test', 'newcomer');
  assert.deepEqual(backend.joined, ['visitor', 'insider', 'newcomer']);
});
