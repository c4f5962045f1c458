// Server switching for intercepted players (issue 13), per protocol era: a real minecraft-protocol
// client joins a lobby backend, moves to a game backend with `/server`, chats there, comes back
// through the Player API (`switchServer`) and chats again; the server it left sees its connection
// close. A switch to a server nobody listens on keeps the player where they are with a message.
// 1.20.2+ clients move through the configuration state; older ones through the new Join Game
// (with the dimension flip and a Respawn before 1.16).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { nextChat, onPlayerChat, sendSystemChat } from '../helpers/play-peer.ts';
import { deny } from '../../sdk/results.ts';

const require = createRequire(import.meta.url);
const VERSIONS = (process.env.VERSIONS ?? '1.8.8,1.12.2,1.16.5,1.20.1,1.20.4,1.21.4,26.1').split(',');

interface Side { backend: Backend; left: string[] }
const sides = new Map<string, { lobby: Side; game: Side }>();
let proxy: Harness;
let deadPort: number;
const switches: string[] = [];

const slug = (v: string): string => v.replace(/\./g, '_');

const BAR = '5a0e2d6c-9a4b-4c1e-8f00-00000000b055';
/** 1.9–1.20.1: the client keeps boss bars over a Join Game, so the proxy must remove the old server's. */
const barsOutliveJoinGame = (protocol: number): boolean => protocol >= 107 && protocol < 764;

async function side(version: string, name: string): Promise<Side> {
  const backend = await startBackend({ version });
  const s: Side = { backend, left: [] };
  const protocol = (require('minecraft-data')(version) as { version: { version: number } }).version.version;
  backend.server.on('playerJoin', (client: mc.ServerClient) => {
    if (name === 'lobby' && barsOutliveJoinGame(protocol)) {
      client.write('boss_bar', { entityUUID: BAR, action: 0, title: JSON.stringify({ text: 'lobby bar' }), health: 1, color: 0, dividers: 0, flags: 0 });
    }
    (client as unknown as EventEmitter).on('end', () => s.left.push(client.username));
    onPlayerChat(client, (line) => {
      if (line.startsWith('hello')) sendSystemChat(client, `${name} says hi to ${client.username}`);
    });
  });
  return s;
}

before(async () => {
  const free = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => free.once('listening', r));
  deadPort = (free.address() as AddressInfo).port;
  await new Promise((r) => free.close(r));
  const servers: Record<string, string> = { dead: serverToml(['dead.test'], [deadPort], 'proxy_mode = "offline"') };
  for (const version of VERSIONS) {
    const pair = { lobby: await side(version, 'lobby'), game: await side(version, 'game') };
    sides.set(version, pair);
    servers[`lobby-${slug(version)}`] = serverToml([`lobby.${version}.test`], [pair.lobby.backend.port], 'proxy_mode = "offline"');
    servers[`game-${slug(version)}`] = serverToml([`game.${version}.test`], [pair.game.backend.port], 'proxy_mode = "offline"');
  }
  proxy = await startProxy({ servers, global: 'compression_threshold = 100\n[permissions]\nplayer_commands = ["server"]\n' });
  const events = proxy.proxy.layers.events;
  events.on('test', 'ServerSwitch', (e) => void switches.push(`${e.player.username}:${e.previous}->${e.next}`));
  events.on('test', 'ServerPreConnect', (e) => {
    if (e.serverId.startsWith('game-') && e.player.username.startsWith('Denied')) e.result = deny('§cGame is closed for you');
  });
});

after(async () => {
  await proxy?.stop();
  for (const pair of sides.values()) {
    await pair.lobby.backend.close();
    await pair.game.backend.close();
  }
});

/** Resolves on the client's next play login (Join Game) packet, with its dimension field. */
function nextLogin(client: mc.Client, timeoutMs = 8000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no new play login')), timeoutMs);
    client.once('login', (p: { dimension?: unknown }) => {
      clearTimeout(timer);
      resolve(p.dimension);
    });
  });
}

/** What the client went through during a switch, by era. */
function watchSwitch(client: mc.Client): { respawns: unknown[]; configurations: number; barsRemoved: string[] } {
  const seen = { respawns: [] as unknown[], configurations: 0, barsRemoved: [] as string[] };
  const events = client as unknown as EventEmitter;
  events.on('boss_bar', (p: { entityUUID: string; action: number }) => {
    if (p.action === 1) seen.barsRemoved.push(p.entityUUID);
  });
  events.on('respawn', (p: { dimension?: unknown }) => seen.respawns.push(p.dimension));
  events.on('start_configuration', () => seen.configurations++);
  return seen;
}

async function chatWith(client: mc.Client, name: string, username: string): Promise<void> {
  const line = nextChat(client, `${name} says hi to ${username}`);
  client.chat(`hello from ${username}`);
  await line;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const version of VERSIONS) {
  test(`${version}: /server lists and switches, switchServer comes back, chat works on each`, async () => {
    const { lobby, game } = sides.get(version)!;
    const username = `Sw${slug(version)}`.slice(0, 16);
    const { client } = await join({ port: proxy.port, domain: `lobby.${version}.test`, version, username, keep: true });
    try {
      await chatWith(client, 'lobby', username);
      const listed = nextChat(client, 'Servers:');
      client.chat('/server');
      assert.match(await listed, new RegExp(`game-${slug(version)}`));

      const seen = watchSwitch(client);
      const moved = nextLogin(client);
      client.chat(`/server game-${slug(version)}`);
      const dimension = await moved;
      const protocol = (require('minecraft-data')(version) as { version: { version: number } }).version.version;
      if (protocol < 735) {
        // The Join Game comes in the other dimension, then a Respawn into the real one (0).
        assert.equal(dimension, -1);
        await waitFor(() => seen.respawns.length === 1, 'the respawn');
        assert.deepEqual(seen.respawns, [0]);
      }
      assert.equal(seen.configurations, protocol >= 764 ? 1 : 0, 'configuration state entered only on 1.20.2+');
      assert.deepEqual(seen.barsRemoved, barsOutliveJoinGame(protocol) ? [BAR] : [], 'the lobby\'s boss bar was removed');
      await chatWith(client, 'game', username);
      assert.ok(game.backend.joined.includes(username), 'the game backend saw the player');
      assert.ok(switches.includes(`${username}:lobby-${slug(version)}->game-${slug(version)}`), 'ServerSwitch fired');
      await waitFor(() => lobby.left.includes(username), 'the lobby connection to close');
      assert.equal(proxy.api.player(username)?.serverId, `game-${slug(version)}`);

      const back = nextLogin(client);
      const result = await proxy.api.player(username)!.switchServer(`lobby-${slug(version)}`);
      assert.deepEqual(result, { ok: true });
      await back;
      await chatWith(client, 'lobby', username);
      await waitFor(() => game.left.includes(username), 'the game connection to close');

      const told = nextChat(client, 'Could not connect to dead');
      const dead = await proxy.api.player(username)!.switchServer('dead');
      assert.equal(dead.ok, false);
      assert.equal(!dead.ok && dead.code, 'unreachable');
      await told;
      await chatWith(client, 'lobby', username);
      assert.equal(proxy.api.player(username)?.serverId, `lobby-${slug(version)}`);
    } finally {
      client.end();
    }
  });
}

test('ServerPreConnect deny keeps the player where they are, with the reason', async () => {
  const version = VERSIONS.includes('1.21.4') ? '1.21.4' : VERSIONS[0];
  const { game } = sides.get(version)!;
  const { client } = await join({ port: proxy.port, domain: `lobby.${version}.test`, version, username: 'DeniedOne', keep: true });
  try {
    const told = nextChat(client, 'Game is closed for you');
    const result = await proxy.api.player('DeniedOne')!.switchServer(`game-${slug(version)}`);
    assert.equal(!result.ok && result.code, 'denied');
    await told;
    assert.ok(!game.backend.joined.includes('DeniedOne'));
    await chatWith(client, 'lobby', 'DeniedOne');
    const unknown = await proxy.api.player('DeniedOne')!.switchServer('nowhere');
    assert.equal(!unknown.ok && unknown.code, 'unknown-server');
  } finally {
    client.end();
  }
});

test('a switch storm: one switch at a time, the others answer busy, the player ends on one server', async () => {
  const version = VERSIONS.includes('1.20.4') ? '1.20.4' : VERSIONS[0];
  const { game } = sides.get(version)!;
  const { client } = await join({ port: proxy.port, domain: `lobby.${version}.test`, version, username: 'Stormy', keep: true });
  try {
    const player = proxy.api.player('Stormy')!;
    const moved = nextLogin(client);
    const results = await Promise.all(Array.from({ length: 50 }, () => player.switchServer(`game-${slug(version)}`)));
    assert.equal(results.filter((r) => r.ok).length, 1);
    assert.ok(results.every((r) => r.ok || r.code === 'busy'));
    await moved;
    await chatWith(client, 'game', 'Stormy');
    assert.equal(player.serverId, `game-${slug(version)}`);
    assert.equal(game.backend.joined.filter((n) => n === 'Stormy').length, 1, 'one login at the game backend');
  } finally {
    client.end();
  }
});
