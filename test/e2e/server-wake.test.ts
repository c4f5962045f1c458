/**
 * The `server-wake` plugin (issue 15, part 3) end to end, in process: managed `local` servers
 * are real minecraft-protocol server scripts (test/helpers/managed-mc-server.mjs) run by the
 * server-manager plugin; real 1.21.4 clients ping and join through the proxy: a ping leaves a
 * sleeping server down; a join wakes it and two players wait in limbo (title, action bar with the
 * count) and then chat with the backend; a crash during the start and start_timeout kick with
 * the configured messages (the crashing server lists Infrarust's name `server_wake`); a
 * passthrough server answers "starting, rejoin in ~30 s" and is up on the next join; a hot
 * reload of the plugin keeps a waiting player.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect as tcp } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mc from 'minecraft-protocol';
import type { ServerManagerService, ServerState } from '../../sdk/index.ts';
import { startProxy, type Harness } from '../helpers/proxy-harness.ts';
import { freePort } from '../helpers/cli-process.ts';
import { join as joinServer, KickError, ping, plainText } from '../helpers/client.ts';

const SCRIPT = fileURLToPath(new URL('../helpers/managed-mc-server.mjs', import.meta.url));
const VERSION = '1.21.4';

let h: Harness;
let root = '';
const ports: Record<string, number> = {};

function managedToml(id: string, mode: string, extra: string, manager = ''): string {
  return [
    `domains = ["${id}.test"]`,
    `addresses = ["127.0.0.1:${ports[id]}"]`,
    extra,
    '[motd.sleeping]',
    'text = "§7sleeping - join to wake it"',
    '[server_manager]',
    'type = "local"',
    `command = ${JSON.stringify(process.execPath)}`,
    `args = ${JSON.stringify([SCRIPT, String(ports[id]), `${id} backend`, mode])}`,
    `working_dir = ${JSON.stringify(join(root, id))}`,
    'shutdown_timeout = "2s"',
    'poll_interval = "500ms"',
    manager,
  ].join('\n');
}

const service = (): ServerManagerService => h.proxy.layers.registries.services.get('server-manager') as ServerManagerService;

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
const waitState = (id: string, want: ServerState, timeoutMs?: number): Promise<void> => waitFor(() => service().state(id) === want, `${id} to be ${want} (is ${service().state(id)})`, timeoutMs);

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = tcp(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

interface Peer {
  client: mc.Client;
  titles: string[];
  bars: string[];
  chat: string[];
  /** Play logins: the limbo world's, then the backend's. */
  logins: number;
  kicked?: string;
  ended: boolean;
}

function connect(domain: string, username: string): Peer {
  const client = mc.createClient({ host: '127.0.0.1', port: h.port, fakeHost: domain, version: VERSION, username, auth: 'offline', validateChannelProtocol: false, hideErrors: true } as mc.ClientOptions);
  const peer: Peer = { client, titles: [], bars: [], chat: [], logins: 0, ended: false };
  const events = client as unknown as EventEmitter;
  events.on('set_title_text', (p: { text: unknown }) => peer.titles.push(JSON.stringify(p.text)));
  events.on('action_bar', (p: { text: unknown }) => peer.bars.push(JSON.stringify(p.text)));
  events.on('system_chat', (p: { content: unknown }) => peer.chat.push(JSON.stringify(p.content)));
  client.on('login', () => void peer.logins++);
  const onKick = (p: { reason: unknown }) => void (peer.kicked = typeof p.reason === 'string' ? p.reason : JSON.stringify(p.reason));
  events.on('kick_disconnect', onKick);
  events.on('disconnect', onKick);
  client.on('error', () => undefined);
  client.on('end', () => void (peer.ended = true));
  return peer;
}

const joinedBackend = (id: string, name: string): boolean => h.logs.some((l) => l.server === id && l.msg === `${name} joined the game`);

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'server-wake-'));
  for (const id of ['survival', 'crashy', 'slow', 'pass', 'nap']) {
    ports[id] = await freePort();
    await mkdir(join(root, id), { recursive: true });
  }
  h = await startProxy({
    builtins: ['server-manager', 'server-wake'],
    captureLogs: 'info',
    global: ['[plugins.server-wake]', 'update_interval = "200ms"', 'failed_kick = "&cfailed: {cause}"', 'timeout_kick = "&ctoo slow: {server}"', 'passthrough_kick = "&e{server} is starting, rejoin in ~{seconds} s"'].join('\n'),
    servers: {
      survival: managedToml('survival', 'slow-ready', 'proxy_mode = "offline"\nlimbo_handlers = ["server-wake"]'),
      // Infrarust's handler name.
      crashy: managedToml('crashy', 'crash-on-start', 'proxy_mode = "offline"\nlimbo_handlers = ["server_wake"]'),
      slow: managedToml('slow', 'never-ready', 'proxy_mode = "offline"\nlimbo_handlers = ["server-wake"]', 'start_timeout = "1500ms"'),
      pass: managedToml('pass', 'normal', ''),
      nap: managedToml('nap', 'slow-ready', 'proxy_mode = "offline"\nlimbo_handlers = ["server-wake"]'),
    },
  });
  await waitState('survival', 'sleeping');
});

after(async () => {
  await h?.stop();
  await rm(root, { recursive: true, force: true });
});

test('a ping of a sleeping server shows the sleeping MOTD and leaves it down', async () => {
  assert.equal(plainText((await ping(h.port, 'survival.test')).description), 'sleeping - join to wake it');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(service().state('survival'), 'sleeping');
  assert.equal(await listening(ports.survival!), false);
});

test('a join wakes the server: two players wait in limbo with the title and action bar, both are released and play on it', async () => {
  const a = connect('survival.test', 'WakerA');
  await waitFor(() => a.titles.length > 0 && a.bars.length > 0, 'WakerA to see the title and action bar');
  assert.match(a.titles[0]!, /survival is starting/);
  assert.notEqual(service().state('survival'), 'sleeping', 'the join started it');
  const b = connect('survival.test', 'WakerB');
  await waitFor(() => b.bars.some((t) => t.includes('2 waiting')), 'WakerB to see 2 players waiting');
  assert.ok(!joinedBackend('survival', 'WakerA'), 'held while the server starts');
  await waitFor(() => joinedBackend('survival', 'WakerA') && joinedBackend('survival', 'WakerB'), 'both players on the backend');
  assert.equal(service().state('survival'), 'online');
  assert.ok(a.bars.length >= 2, `the action bar is redrawn (${a.bars.length})`);
  await waitFor(() => a.logins >= 2, 'WakerA to get the backend login');
  a.client.chat('hello backend');
  await waitFor(() => a.chat.some((c) => c.includes('survival backend echo: hello backend')), 'the backend to answer');
  assert.ok(h.logs.some((l) => l.server === 'survival' && l.msg === '<WakerA> hello backend'));
  assert.equal(a.kicked, undefined);
  a.client.end();
  b.client.end();
});

test('a crash during the start kicks the waiting player with the message', async () => {
  const p = connect('crashy.test', 'CrashWaiter');
  await waitFor(() => p.kicked !== undefined, 'CrashWaiter to be kicked');
  assert.match(p.kicked!, /failed: .*exit code 3/);
  assert.equal(service().state('crashy'), 'crashed');
});

test('a server not online within start_timeout kicks with timeout_kick', async () => {
  const p = connect('slow.test', 'SlowWaiter');
  await waitFor(() => p.titles.length > 0, 'SlowWaiter to be held');
  await waitFor(() => p.kicked !== undefined, 'SlowWaiter to be kicked', 8_000);
  assert.match(p.kicked!, /too slow: slow/);
});

test('passthrough: the join starts the server and is answered with "starting, rejoin"; the next join plays', async () => {
  await assert.rejects(joinServer({ port: h.port, domain: 'pass.test', version: VERSION, username: 'PassPlayer' }), (err: unknown) => {
    assert.ok(err instanceof KickError);
    assert.match(err.reason, /pass is starting, rejoin in ~30 s/);
    return true;
  });
  await waitState('pass', 'online');
  await joinServer({ port: h.port, domain: 'pass.test', version: VERSION, username: 'PassPlayer' });
  await waitFor(() => joinedBackend('pass', 'PassPlayer'), 'PassPlayer in the backend log');
});

test('a hot reload of server-wake while a player waits: the player keeps waiting and gets in', async () => {
  const p = connect('nap.test', 'Napper');
  await waitFor(() => p.titles.length > 0, 'Napper to be held');
  assert.equal(await h.host!.reloadDir(join(h.dir, 'builtin-selection', 'server-wake')), true);
  await waitFor(() => joinedBackend('nap', 'Napper'), 'Napper on the backend');
  assert.equal(p.kicked, undefined);
  assert.equal(p.ended, false);
  p.client.end();
});
