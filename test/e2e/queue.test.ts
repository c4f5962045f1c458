// The `queue` plugin (issue 15) with real minecraft-protocol 1.21.4 clients and a real backend:
// a server with max_players = 2 and limbo_handlers = ["queue"] lets two players in; the third
// waits in the proxy's limbo seeing their position in the action bar and reaches the backend as
// soon as one of the two leaves; a player with queue.bypass (an admin) skips the line; a queued
// player who reconnects within the grace period gets their place back, ahead of later arrivals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';

const VERSION = '1.21.4';
let backend: Backend;
let proxy: Harness;

interface Peer {
  client: mc.Client;
  /** Action bar texts seen, newest last. */
  bars: string[];
  /** Play logins seen: the limbo world's, then the backend's. */
  logins: number;
  ended: boolean;
}

function connect(username: string): Peer {
  const client = mc.createClient({ host: '127.0.0.1', port: proxy.port, fakeHost: 'full.test', version: VERSION, username, auth: 'offline', validateChannelProtocol: false, hideErrors: true } as mc.ClientOptions);
  const peer: Peer = { client, bars: [], logins: 0, ended: false };
  (client as unknown as EventEmitter).on('action_bar', (p: unknown) => peer.bars.push(JSON.stringify(p)));
  client.on('login', () => void peer.logins++);
  client.on('error', () => undefined);
  client.on('end', () => void (peer.ended = true));
  return peer;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const onBackend = (name: string): boolean => backend.joined.includes(name);
const lastBar = (p: Peer): string => p.bars.at(-1) ?? '';
const leave = async (p: Peer): Promise<void> => {
  p.client.end();
  await waitFor(() => !proxy.api.players().some((x) => x.username === p.client.username) || p.ended, `${p.client.username} to leave`);
};

before(async () => {
  backend = await startBackend({ version: VERSION });
  proxy = await startProxy({
    builtins: ['queue'],
    global: [
      '[permissions]',
      'admins = ["VipPlayer"]',
      'trust_offline_admins = true',
      '[plugins.queue]',
      'grace_period = "4s"',
      'update_interval = "200ms"',
      'action_bar = "pos {position} of {waiting}"',
    ].join('\n'),
    servers: { full: serverToml(['full.test'], [backend.port], 'proxy_mode = "offline"\nmax_players = 2\nlimbo_handlers = ["queue"]') },
  });
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
});

test('the third player waits with their position shown and gets in when one leaves; a bypass player skips the line', async () => {
  const a = connect('QueueA');
  await waitFor(() => onBackend('QueueA'), 'QueueA on the backend');
  const b = connect('QueueB');
  await waitFor(() => onBackend('QueueB'), 'QueueB on the backend');
  assert.equal(proxy.api.servers().find((s) => s.id === 'full')?.maxPlayers, 2);
  const c = connect('QueueC');
  await waitFor(() => lastBar(c).includes('pos 1 of 1'), 'QueueC to see position 1 in the action bar');
  await new Promise((r) => setTimeout(r, 500));
  assert.ok(!onBackend('QueueC'), 'QueueC waits while the server is full');
  assert.ok(c.bars.length >= 2, `the action bar is refreshed (${c.bars.length} seen)`);
  // An admin's checker grants queue.bypass: straight in, even though the server is full.
  const vip = connect('VipPlayer');
  await waitFor(() => onBackend('VipPlayer'), 'VipPlayer on the backend (bypass)');
  assert.ok(!onBackend('QueueC'));
  await leave(vip);
  await leave(a); // 2 → 1 on the server (B): a slot frees
  const freed = Date.now();
  await waitFor(() => onBackend('QueueC'), 'QueueC let in once a slot freed', 3000);
  assert.ok(Date.now() - freed < 2000, 'let in promptly');
  assert.ok(!c.ended);
  await Promise.all([leave(b), leave(c)]);
});

test('a queued player reconnecting within the grace period keeps their place', async () => {
  backend.joined.length = 0;
  const x = connect('FillX');
  const y = connect('FillY');
  await waitFor(() => onBackend('FillX') && onBackend('FillY'), 'the server to fill');
  const first = connect('FirstInLine');
  await waitFor(() => lastBar(first).includes('pos 1 of 1'), 'FirstInLine at position 1');
  const second = connect('SecondInLine');
  await waitFor(() => lastBar(second).includes('pos 2 of 2'), 'SecondInLine at position 2');
  first.client.end(); // a short disconnect
  await new Promise((r) => setTimeout(r, 600));
  assert.ok(lastBar(second).includes('pos 2 of 2'), `the leaver's place is kept: ${lastBar(second)}`);
  const again = connect('FirstInLine');
  await waitFor(() => lastBar(again).includes('pos 1 of 2'), 'FirstInLine back at position 1');
  await leave(x); // one slot: it goes to FirstInLine, not SecondInLine
  await waitFor(() => onBackend('FirstInLine'), 'FirstInLine let in first');
  await new Promise((r) => setTimeout(r, 400));
  assert.ok(!onBackend('SecondInLine'), 'SecondInLine still waits');
  await waitFor(() => lastBar(second).includes('pos 1 of 1'), 'SecondInLine moves up');
  await leave(y);
  await waitFor(() => onBackend('SecondInLine'), 'SecondInLine let in next');
  await Promise.all([leave(again), leave(second)]);
});

test('after the grace period a reconnecting player starts at the end of the line', async () => {
  backend.joined.length = 0;
  const x = connect('HoldX');
  const y = connect('HoldY');
  await waitFor(() => onBackend('HoldX') && onBackend('HoldY'), 'the server to fill');
  const late = connect('LatePlayer');
  await waitFor(() => lastBar(late).includes('pos 1 of 1'), 'LatePlayer at position 1');
  const other = connect('OtherPlayer');
  await waitFor(() => lastBar(other).includes('pos 2 of 2'), 'OtherPlayer at position 2');
  late.client.end();
  await waitFor(() => lastBar(other).includes('pos 1 of 1'), 'the ghost to expire after the 4 s grace', 8000);
  const back = connect('LatePlayer');
  await waitFor(() => lastBar(back).includes('pos 2 of 2'), 'LatePlayer queued again at the end');
  await Promise.all([leave(x), leave(y), leave(back), leave(other)]);
});
