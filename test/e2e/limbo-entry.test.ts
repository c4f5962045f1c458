// Where a running player goes when a backend lets go of them, and the other ways into the
// proxy's limbo (issues 12 and 13), with real minecraft-protocol clients and backends, per era
// (1.8.8: Join Game with the dimension flip; 1.20.1: Join Game; 1.21.4: configuration):
// - a backend kick sends the player to the kicking server's `fallback` with the reason in chat;
//   a backend whose connection dies does the same; without a fallback the player is disconnected
//   with the kick's reason;
// - KickedFromServer answering SendToLimbo holds the player in the limbo world; a proxy command
//   typed there runs at the proxy (CommandExecute does not fire), the handler's command sends
//   them back to the kicking server;
// - `switchServer('$limbo')` holds the player without a handler until `switchServer(<server>)`;
// - PlayerChooseInitialServer answering SendToLimbo holds a joining player first;
// - a server whose backend is down and that has limbo_handlers holds the player (entry kicked)
//   until the handler lets them go to the now running backend;
// - the `network` rule: no switch between two different networks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { nextChat, onPlayerChat, sendSystemChat } from '../helpers/play-peer.ts';
import { accept, hold, type LimboHandler } from '../../sdk/limbo.ts';
import { sendToLimbo } from '../../sdk/results.ts';

const VERSIONS = (process.env.VERSIONS ?? '1.8.8,1.20.1,1.21.4').split(',');
const slug = (v: string): string => v.replace(/\./g, '_');

const backends = new Map<string, { lobby: Backend; game: Backend }>();
const extra: Backend[] = [];
let event: Backend;
let proxy: Harness;
let sleepyPort: number;
let sleepy: Backend | undefined;
const commandsSeen: string[] = [];
const handlerCommands: string[] = [];
const kicks: string[] = [];
const kickedOnce = new Set<string>();

function greeter(backend: Backend, name: string): void {
  backend.server.on('playerJoin', (client: mc.ServerClient) => {
    onPlayerChat(client, (line) => {
      if (line.startsWith('hello')) sendSystemChat(client, `${name} says hi to ${client.username}`);
    });
  });
}

/** The game backend kicks `Kick*` and `Solo*` players, drops `Crash*` ones, kicks `Limbo*` once. */
function kicker(backend: Backend): void {
  backend.server.on('playerJoin', (client: mc.ServerClient) => {
    const name = client.username;
    const later = (f: () => void): void => void setTimeout(f, 300);
    if (name.startsWith('Kick') || name.startsWith('Solo')) later(() => client.end('Go away now'));
    else if (name.startsWith('Crash')) later(() => client.socket.destroy());
    else if (name.startsWith('Limbo') && !kickedOnce.has(name)) {
      kickedOnce.add(name);
      later(() => client.end('Restarting'));
    }
  });
}

const handlers: LimboHandler[] = [
  {
    name: 'parking',
    onPlayerEnter(session) {
      session.sendMessage(`§eParked (${session.entry.type})`);
      return hold();
    },
    onCommand(session, command) {
      handlerCommands.push(command);
      if (command === 'back') session.complete(accept());
    },
  },
  {
    name: 'waker',
    onPlayerEnter(session) {
      if (session.entry.type !== 'kicked') return accept();
      void (async () => {
        sleepy = await startBackend({ version: '1.21.4', port: sleepyPort });
        greeter(sleepy, 'sleepy');
        session.complete(accept());
      })();
      return hold();
    },
  },
];

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

before(async () => {
  sleepyPort = await freePort();
  event = await startBackend({ version: '1.21.4' });
  const servers: Record<string, string> = {
    event: serverToml(['event.test'], [event.port], 'proxy_mode = "offline"\nnetwork = "event"'),
    sleepy: serverToml(['sleepy.test'], [sleepyPort], 'proxy_mode = "offline"\nlimbo_handlers = ["waker"]'),
  };
  for (const version of VERSIONS) {
    const lobby = await startBackend({ version });
    const game = await startBackend({ version });
    greeter(lobby, 'lobby');
    greeter(game, 'game');
    kicker(game);
    backends.set(version, { lobby, game });
    const v = slug(version);
    servers[`lobby-${v}`] = serverToml([`lobby.${version}.test`], [lobby.port], 'proxy_mode = "offline"\nnetwork = "main"');
    servers[`game-${v}`] = serverToml([`game.${version}.test`], [game.port], `proxy_mode = "offline"\nnetwork = "main"\nfallback = ["gone-${v}", "lobby-${v}"]`);
    servers[`solo-${v}`] = serverToml([`solo.${version}.test`], [game.port], 'proxy_mode = "offline"');
  }
  proxy = await startProxy({ servers, global: 'compression_threshold = 100\n' });
  const { registries, events } = proxy.proxy.layers;
  for (const h of handlers) registries.limbo.add('entry-test#1', [h.name], h);
  registries.commands.add('entry-test#1', ['ping'], { name: 'ping', players: true, description: 'pong', execute: (source) => source.reply('§apong') });
  events.on('entry-test', 'CommandExecute', (e) => void commandsSeen.push(e.command));
  events.on('entry-test', 'KickedFromServer', (e) => {
    kicks.push(`${e.player.username}:${e.serverId}:${e.reason}`);
    if (e.player.username.startsWith('Limbo')) return sendToLimbo(['parking']);
    return undefined;
  });
  events.on('entry-test', 'PlayerChooseInitialServer', (e) => (e.player.username.startsWith('Choose') ? sendToLimbo(['parking']) : undefined));
});

after(async () => {
  await proxy?.stop();
  for (const { lobby, game } of backends.values()) {
    await lobby.close();
    await game.close();
  }
  for (const b of extra) await b.close();
  await event?.close();
  await sleepy?.close();
});

async function chatWith(client: mc.Client, name: string, username: string): Promise<void> {
  const line = nextChat(client, `${name} says hi to ${username}`, 8000);
  client.chat(`hello from ${username}`);
  await line;
}

function kickReason(client: mc.Client, timeoutMs = 8000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no disconnect')), timeoutMs);
    const done = (p: { reason: unknown }): void => {
      clearTimeout(timer);
      resolve(typeof p.reason === 'string' ? p.reason : JSON.stringify(p.reason));
    };
    (client as unknown as EventEmitter).once('kick_disconnect', done);
    (client as unknown as EventEmitter).once('disconnect', done);
  });
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const version of VERSIONS) {
  const v = slug(version);

  test(`${version}: a kick sends the player to the first reachable fallback, the reason in chat; a dead backend too`, async () => {
    const { lobby } = backends.get(version)!;
    for (const prefix of ['Kick', 'Crash']) {
      const username = `${prefix}${v}`.slice(0, 16);
      const { client } = await join({ port: proxy.port, domain: `game.${version}.test`, version, username, keep: true });
      try {
        const told = nextChat(client, prefix === 'Kick' ? 'Go away now' : 'Lost connection', 8000);
        await waitFor(() => lobby.joined.includes(username), `${username} on the lobby`);
        assert.match(await told, new RegExp(`disconnected from game-${v}`));
        await chatWith(client, 'lobby', username);
        assert.equal(proxy.api.player(username)?.serverId, `lobby-${v}`);
      } finally {
        client.end('done');
      }
    }
  });

  test(`${version}: without a fallback a kick disconnects with the backend's reason`, async () => {
    const username = `Solo${v}`.slice(0, 16);
    const { client } = await join({ port: proxy.port, domain: `solo.${version}.test`, version, username, keep: true });
    assert.match(await kickReason(client), /Go away now/);
  });

  test(`${version}: KickedFromServer SendToLimbo holds the player; a proxy command runs at the proxy; the handler sends them back`, async () => {
    const { game } = backends.get(version)!;
    const username = `Limbo${v}`.slice(0, 16);
    const { client } = await join({ port: proxy.port, domain: `game.${version}.test`, version, username, keep: true });
    try {
      await nextChat(client, 'Parked (kicked)', 8000);
      assert.equal(proxy.api.player(username)?.serverId, '$limbo');
      const pong = nextChat(client, 'pong');
      client.chat('/ping');
      await pong;
      const before = game.joined.filter((n) => n === username).length;
      client.chat('/back');
      await waitFor(() => game.joined.filter((n) => n === username).length > before, 'the player back on the game server');
      await chatWith(client, 'game', username);
      assert.ok(kicks.some((k) => k === `${username}:game-${v}:Restarting`), kicks.join('\n'));
      assert.ok(handlerCommands.includes('back') && !handlerCommands.includes('ping'), handlerCommands.join(','));
      assert.ok(!commandsSeen.includes('back') && !commandsSeen.includes('ping'), 'no CommandExecute for lines typed in limbo');
    } finally {
      client.end('done');
    }
  });

  test(`${version}: switchServer('$limbo') holds without a handler until switchServer moves the player on`, async () => {
    const { lobby, game } = backends.get(version)!;
    const username = `Idle${v}`.slice(0, 16);
    const { client } = await join({ port: proxy.port, domain: `lobby.${version}.test`, version, username, keep: true });
    try {
      const player = proxy.api.player(username)!;
      const held = player.switchServer('$limbo');
      await waitFor(() => player.serverId === '$limbo', 'the player in limbo');
      assert.equal((await player.switchServer('nowhere')).ok, false, 'an unknown server is refused while held');
      const moved = await player.switchServer(`game-${v}`);
      assert.deepEqual(moved, { ok: true }, 'moved on');
      assert.deepEqual(await held, { ok: true }, 'the $limbo switch resolves once the player is on a server');
      await waitFor(() => game.joined.includes(username), 'the player on the game server');
      await chatWith(client, 'game', username);
      assert.ok(lobby.joined.includes(username), 'was on the lobby');
    } finally {
      client.end('done');
    }
  });
}

test('PlayerChooseInitialServer SendToLimbo holds a joining player before the server', async () => {
  const version = VERSIONS[VERSIONS.length - 1];
  const { lobby } = backends.get(version)!;
  const username = 'ChooseMe';
  let parked: Promise<string> | undefined;
  const { client } = await join({ port: proxy.port, domain: `lobby.${version}.test`, version, username, keep: true, onClient: (c) => (parked = nextChat(c, 'Parked (redirect)', 8000)) });
  try {
    await parked;
    assert.ok(!lobby.joined.includes(username), 'not on the lobby yet');
    client.chat('/back');
    await waitFor(() => lobby.joined.includes(username), 'the player on the lobby');
    await chatWith(client, 'lobby', username);
  } finally {
    client.end('done');
  }
});

test('a server that is down and has limbo_handlers holds the player until its handler lets them in', async () => {
  const username = 'Sleeper';
  const { client } = await join({ port: proxy.port, domain: 'sleepy.test', version: '1.21.4', username, keep: true, timeoutMs: 15_000 });
  try {
    await waitFor(() => sleepy?.joined.includes(username) === true, 'the player on the woken server');
    await chatWith(client, 'sleepy', username);
  } finally {
    client.end('done');
  }
});

test('the network rule: no switch between two different networks', async () => {
  const version = VERSIONS[VERSIONS.length - 1];
  const username = 'NetHopper';
  const { client } = await join({ port: proxy.port, domain: `lobby.${version}.test`, version, username, keep: true });
  try {
    const told = nextChat(client, 'cannot be sent to event');
    const r = await proxy.api.player(username)!.switchServer('event');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, 'denied');
    await told;
    assert.ok(!event.joined.includes(username));
  } finally {
    client.end('done');
  }
});
