// The plugin layers in the live connection path, with real clients and backends: events gate and
// rewrite, a faulty listener fails closed (access) or open (observers), transport filters see
// every connection's bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, KickError, ping, plainText } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { allow, connectTo, deny, dropSilently, legacyToComponent, type EventListener, type EventName, type ListenOptions } from '../../sdk/index.ts';

const VERSION = '1.21.4';
let lobby: Backend;
let games: Backend;
let proxy: Harness;
const undo: (() => void)[] = [];

before(async () => {
  [lobby, games] = await Promise.all([startBackend({ version: VERSION, motd: 'lobby' }), startBackend({ version: VERSION, motd: 'games' })]);
  proxy = await startProxy({
    global: '[events]\nhandler_timeout = "300ms"\n',
    servers: { lobby: serverToml(['lobby.test'], [lobby.port]), games: serverToml(['games.test'], [games.port]) },
  });
});

after(async () => {
  await proxy?.stop();
  await lobby?.close();
  await games?.close();
});

function on<K extends EventName>(owner: string, name: K, listener: EventListener<K>, options?: ListenOptions): void {
  undo.push(proxy.proxy.layers.events.on(owner, name, listener, options));
}

function cleanup(): void {
  while (undo.length > 0) undo.pop()!();
}

async function kickReason(domain: string, username: string): Promise<string> {
  const err = await join({ port: proxy.port, domain, version: VERSION, username }).then(() => assert.fail('should be refused'), (e: unknown) => e);
  assert.ok(err instanceof KickError, String(err));
  return plainText(JSON.parse(err.reason));
}

test('ProxyPing listeners rewrite a passthrough server\'s answer, in priority order', async (t) => {
  t.after(cleanup);
  on('t', 'ProxyPing', (e) => { e.response.description = legacyToComponent('§afirst'); e.response.players.max = 1; }, { priority: 10 });
  on('t', 'ProxyPing', (e) => { e.response.description = legacyToComponent(`${plainText(e.response.description)} then second`); }, { priority: 200 });
  const r = await ping(proxy.port, 'lobby.test');
  assert.equal(plainText(r.description), 'first then second');
  assert.equal(r.players.max, 1);
});

test('ConnectionHandshake: deny kicks a login with the reason, drop closes silently', async (t) => {
  t.after(cleanup);
  on('t', 'ConnectionHandshake', (e) => (e.intent === 'login' ? deny('§cNo logins today') : dropSilently()));
  assert.equal(await kickReason('lobby.test', 'denied1'), 'No logins today');
  await assert.rejects(ping(proxy.port, 'lobby.test'));
  assert.ok(!lobby.joined.includes('denied1'));
});

test('ServerPreConnect: deny, and ConnectTo sends the player to another server', async (t) => {
  t.after(cleanup);
  on('t', 'ServerPreConnect', (e) => (e.player.username === 'blocked' ? deny('§cGo away') : connectTo('games')));
  assert.equal(await kickReason('lobby.test', 'blocked'), 'Go away');
  await join({ port: proxy.port, domain: 'lobby.test', version: VERSION, username: 'moved' });
  assert.ok(games.joined.includes('moved'));
  assert.ok(!lobby.joined.includes('moved'));
});

test('a throwing access listener fails closed; a throwing observer changes nothing', async (t) => {
  t.after(cleanup);
  on('bad', 'PreLogin', () => { throw new Error('bug in plugin'); });
  assert.equal(await kickReason('lobby.test', 'victim'), 'Internal error');
  cleanup();
  on('bad', 'ServerConnected', () => { throw new Error('observer bug'); });
  on('bad', 'ProxyPing', () => { throw new Error('ping bug'); });
  await join({ port: proxy.port, domain: 'lobby.test', version: VERSION, username: 'fine' });
  assert.equal(plainText((await ping(proxy.port, 'lobby.test')).description), 'lobby');
});

test('an access listener that never answers is cut off by handler_timeout and denies', async (t) => {
  t.after(cleanup);
  on('slow', 'ServerPreConnect', () => new Promise(() => undefined));
  const started = Date.now();
  assert.equal(await kickReason('lobby.test', 'waiter'), 'Internal error');
  assert.ok(Date.now() - started < 5000);
  on('ok', 'ConnectionHandshake', () => allow());
  assert.equal(plainText((await ping(proxy.port, 'lobby.test')).description), 'lobby', 'status is not gated by ServerPreConnect');
});

test('ServerConnected and Disconnect are observed with the player', async (t) => {
  t.after(cleanup);
  const seen: string[] = [];
  on('t', 'ServerConnected', (e) => void seen.push(`connected ${e.player.username} ${e.serverId}`));
  const gone = new Promise<void>((resolve) => on('t', 'Disconnect', (e) => { seen.push(`gone ${e.player.username}`); resolve(); }));
  await join({ port: proxy.port, domain: 'games.test', version: VERSION, username: 'watched' });
  await gone;
  assert.deepEqual(seen, ['connected watched games', 'gone watched']);
});

test('transport filters: onAccept can reject; data hooks see and can rewrite relayed bytes', async (t) => {
  t.after(cleanup);
  let clientBytes = 0;
  let serverBytes = 0;
  undo.push(proxy.proxy.layers.transport.register('t', {
    id: 't:count',
    onClientData: (_c, data) => ((clientBytes += data.length), { type: 'continue' }),
    onServerData: (_c, data) => ((serverBytes += data.length), { type: 'continue' }),
  }));
  await join({ port: proxy.port, domain: 'lobby.test', version: VERSION, username: 'counted' });
  assert.ok(clientBytes > 20 && serverBytes > 100, `client ${clientBytes} B, server ${serverBytes} B`);
  undo.push(proxy.proxy.layers.transport.register('t', { id: 't:gate', onAccept: () => ({ type: 'reject', reason: 'nope' }) }));
  const closed = await new Promise<boolean>((resolve) => {
    const s = connect(proxy.port, '127.0.0.1');
    s.on('error', () => undefined);
    s.once('close', () => resolve(true));
    setTimeout(() => resolve(false), 2000);
  });
  assert.equal(closed, true);
});
