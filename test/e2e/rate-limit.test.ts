// The rate-limit builtin plugin with real clients: per-IP login and ping budgets, a kick with a
// reason for logins over the limit, a silent close for pings over it, and 0 disabling a budget.
// It is on by default: limits written without `enabled` apply, only `enabled = false` turns it off.
// Other loopback addresses (127.0.0.2, …) stand in for other clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import mc from 'minecraft-protocol';
import { startBackend } from '../helpers/backend.ts';
import { join, KickError, plainText } from '../helpers/client.ts';
import { startProxy, serverToml } from '../helpers/proxy-harness.ts';

const VERSION = '1.21.4';

function joinFrom(localAddress: string, port: number, username: string) {
  const extra = { connect: (client: { setSocket(s: Socket): void }) => client.setSocket(connect({ port, host: '127.0.0.1', localAddress })) };
  return join({ port, domain: 'lobby.test', version: VERSION, username, extra, timeoutMs: 5000 });
}

function pingFrom(localAddress: string, port: number): Promise<unknown> {
  const stream = connect({ port, host: '127.0.0.1', localAddress });
  stream.on('error', () => undefined);
  return mc.ping({ host: 'lobby.test', port: 25565, version: VERSION, stream, noPongTimeout: 2000 } as mc.PingOptions);
}

async function withProxy(t: { after(fn: () => Promise<void>): void }, rateLimit: string, enabled = 'enabled = true\n') {
  const backend = await startBackend({ version: VERSION });
  const proxy = await startProxy({
    builtins: ['rate-limit'],
    global: `[rate_limit]\n${enabled}${rateLimit}\n`,
    servers: { lobby: serverToml(['lobby.test'], [backend.port]) },
  });
  t.after(async () => {
    await proxy.stop();
    await backend.close();
  });
  return { backend, proxy };
}

// Windows of 60 s: one attempt refills every 20 s, far longer than the test takes.
test('the 4th login within the window is kicked with a reason, while another IP joins', async (t) => {
  const { backend, proxy } = await withProxy(t, 'max_connections = 3\nwindow = "60s"\nstatus_max = 100\nstatus_window = "60s"');
  for (const name of ['one', 'two', 'three']) await joinFrom('127.0.0.1', proxy.port, name);
  const err = await joinFrom('127.0.0.1', proxy.port, 'four').then(() => assert.fail('should be refused'), (e: unknown) => e);
  assert.ok(err instanceof KickError, String(err));
  assert.match(plainText(JSON.parse(err.reason)), /^Too many connection attempts, try again in (19|20)s$/);
  await joinFrom('127.0.0.2', proxy.port, 'other');
  await pingFrom('127.0.0.1', proxy.port); // the ping budget is separate
  assert.deepEqual(backend.joined, ['one', 'two', 'three', 'other']);
});

test('pings over status_max are closed silently; another IP still gets an answer', async (t) => {
  const { proxy } = await withProxy(t, 'max_connections = 3\nwindow = "60s"\nstatus_max = 2\nstatus_window = "60s"');
  await pingFrom('127.0.0.3', proxy.port);
  await pingFrom('127.0.0.3', proxy.port);
  const started = Date.now();
  await assert.rejects(pingFrom('127.0.0.3', proxy.port));
  assert.ok(Date.now() - started < 1500, 'closed at once, not left to time out');
  await pingFrom('127.0.0.4', proxy.port);
  await joinFrom('127.0.0.3', proxy.port, 'pinger'); // the login budget is separate
});

test('a budget of 0 disables that limit', async (t) => {
  const { backend, proxy } = await withProxy(t, 'max_connections = 0\nwindow = "60s"\nstatus_max = 0\nstatus_window = "60s"');
  for (let i = 0; i < 5; i++) await joinFrom('127.0.0.1', proxy.port, `p${i}`);
  for (let i = 0; i < 5; i++) await pingFrom('127.0.0.1', proxy.port);
  assert.equal(backend.joined.length, 5);
});

test('limits written without `enabled` apply (on by default); `enabled = false` turns it off', async (t) => {
  const limited = await withProxy(t, 'max_connections = 3\nwindow = "20s"', '');
  for (const name of ['one', 'two', 'three']) await joinFrom('127.0.0.5', limited.proxy.port, name);
  const err = await joinFrom('127.0.0.5', limited.proxy.port, 'four').then(() => assert.fail('the 4th login should be refused'), (e: unknown) => e);
  assert.ok(err instanceof KickError, String(err));
  assert.match(plainText(JSON.parse(err.reason)), /^Too many connection attempts/);
  const off = await withProxy(t, 'max_connections = 1\nwindow = "60s"', 'enabled = false\n');
  for (let i = 0; i < 3; i++) await joinFrom('127.0.0.6', off.proxy.port, `free${i}`);
  assert.equal(off.backend.joined.length, 3);
});
