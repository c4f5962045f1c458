// What the first server showed outside its world does not follow the player to the next one
// (issue 13): a real minecraft-protocol client joins a lobby backend that gives it a scoreboard
// objective (shown in the sidebar), a team, an extra tab list entry and a tab header (1.8+); after
// a switch the client must have received, before the game's Join Game, the packets that remove each
// of them (before 1.20.2; 1.7 names tab entries by player name). A 1.20.2+ client drops all of it
// when it re-enters configuration: nothing is sent for it before Start Configuration.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';

const require = createRequire(import.meta.url);
const VERSIONS = (process.env.VERSIONS ?? '1.7.10,1.8.8,1.12.2,1.16.5,1.20.1,1.21.4').split(',');
const EXTRA = '0e0e0e0e-1111-4222-8333-0000000e0e0e';
const OBJECTIVE = 'lobbyobj';
const TEAM = 'lobbyteam';

const slug = (v: string): string => v.replace(/\./g, '_');
const protocolOf = (v: string): number => (require('minecraft-data')(v) as { version: { version: number } }).version.version;

/** A text field as the version writes it: legacy string, JSON, or NBT (1.20.3+). */
function text(protocol: number, s: string, legacy: boolean): unknown {
  if (protocol >= 765) return { type: 'string', value: s };
  return legacy ? s : JSON.stringify({ text: s });
}

/** What the lobby shows: objective + sidebar, team, extra tab entry, tab header. */
function lobbyPackets(protocol: number): [string, Record<string, unknown>][] {
  const legacy = protocol < 393;
  const objective = { name: OBJECTIVE, action: 0, displayText: text(protocol, 'Lobby', legacy), type: legacy ? 'integer' : 0 };
  const team = {
    team: TEAM, mode: 0, name: text(protocol, 'Lobby', legacy), prefix: text(protocol, '', legacy), suffix: text(protocol, '', legacy),
    friendlyFire: 0, nameTagVisibility: 'always', collisionRule: 'always', color: 0, formatting: 0, players: ['Extra'],
  };
  const info = protocol >= 761
    ? { action: { add_player: true, update_listed: true }, data: [{ uuid: EXTRA, player: { name: 'Extra', properties: [] }, listed: 1 }] }
    : protocol >= 47
      ? { action: 'add_player', data: [{ uuid: EXTRA, UUID: EXTRA, name: 'Extra', properties: [], gamemode: 0, ping: 0 }] }
      : { playerName: 'Extra', online: true, ping: 0 };
  const header = { header: text(protocol, 'Lobby header', false), footer: text(protocol, 'Lobby footer', false) };
  const packets: [string, Record<string, unknown>][] = [
    ['scoreboard_objective', objective],
    ['scoreboard_display_objective', { position: 1, name: OBJECTIVE }],
    [protocol < 107 ? 'scoreboard_team' : 'teams', team],
    ['player_info', info],
  ];
  // The last one: the test waits for it before switching (1.7 has no tab header).
  packets.push(protocol >= 47 ? ['playerlist_header', header] : ['scoreboard_score', { itemName: 'Extra', action: 0, scoreName: OBJECTIVE, value: 1 }]);
  return packets;
}

const backends: Backend[] = [];
let proxy: Harness;

before(async () => {
  const servers: Record<string, string> = {};
  for (const version of VERSIONS) {
    const lobby = await startBackend({ version });
    const game = await startBackend({ version });
    backends.push(lobby, game);
    const protocol = protocolOf(version);
    lobby.server.on('playerJoin', (client: mc.ServerClient) => {
      for (const [name, params] of lobbyPackets(protocol)) client.write(name, params);
    });
    servers[`lobby-${slug(version)}`] = serverToml([`lobby.${version}.test`], [lobby.port], 'proxy_mode = "offline"');
    servers[`game-${slug(version)}`] = serverToml([`game.${version}.test`], [game.port], 'proxy_mode = "offline"');
  }
  proxy = await startProxy({ servers });
});

after(async () => {
  await proxy?.stop();
  for (const b of backends) await b.close();
});

interface Seen { name: string; params: Record<string, unknown> }

async function waitFor(check: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The removals among `packets`, as `kind:key`. */
function removals(packets: Seen[]): string[] {
  const out: string[] = [];
  for (const { name, params } of packets) {
    if (name === 'scoreboard_objective' && params.action === 1) out.push(`objective:${params.name}`);
    else if ((name === 'teams' || name === 'scoreboard_team') && params.mode === 1) out.push(`team:${params.team}`);
    else if (name === 'player_remove') for (const u of params.players as string[]) out.push(`tab:${u}`);
    else if (name === 'player_info' && params.online === false) out.push(`tab:${params.playerName}`);
    else if (name === 'player_info' && params.action === 'remove_player') {
      for (const e of params.data as { uuid?: string; UUID?: string }[]) out.push(`tab:${e.uuid ?? e.UUID}`);
    } else if (name === 'playerlist_header') out.push(`header:${params.header}`);
  }
  return out.sort();
}

for (const version of VERSIONS) {
  test(`${version}: the lobby's objective, team, tab entry and header do not outlive a switch`, async () => {
    const protocol = protocolOf(version);
    const username = `Lo${slug(version)}`.slice(0, 16);
    const seen: Seen[] = [];
    const errors: string[] = [];
    const { client } = await join({
      port: proxy.port, domain: `lobby.${version}.test`, version, username, keep: true,
      onClient: (c) => {
        const events = c as unknown as EventEmitter;
        events.on('packet', (params: Record<string, unknown>, meta: { name: string }) => seen.push({ name: meta.name, params }));
        events.on('error', (err: Error) => errors.push(err.message));
      },
    });
    try {
      const last = lobbyPackets(protocol).at(-1)![0];
      await waitFor(() => seen.some((p) => p.name === last), 'the lobby\'s last packet');
      const mark = seen.length;
      const result = await proxy.api.player(username)!.switchServer(`game-${slug(version)}`);
      assert.deepEqual(result, { ok: true });
      const after = (): Seen[] => seen.slice(mark);
      await waitFor(() => after().some((p) => p.name === 'login'), 'the game\'s Join Game');
      const moved = after();
      const joinAt = moved.findIndex((p) => p.name === 'login');
      if (protocol >= 764) {
        const configAt = moved.findIndex((p) => p.name === 'start_configuration');
        assert.ok(configAt >= 0 && configAt < joinAt, 'the client re-entered configuration before the game\'s Join Game');
        assert.deepEqual(removals(moved.slice(0, configAt)), [], 'nothing to remove: configuration drops it');
      } else {
        const expected = protocol >= 47
          ? [`objective:${OBJECTIVE}`, `team:${TEAM}`, `tab:${EXTRA}`, `header:${JSON.stringify({ text: '' })}`]
          : [`objective:${OBJECTIVE}`, `team:${TEAM}`, 'tab:Extra'];
        assert.deepEqual(removals(moved.slice(0, joinAt)), expected.sort(), 'removed before the new Join Game');
      }
      assert.deepEqual(errors, [], 'the client parsed every packet');
      assert.equal(proxy.api.player(username)?.serverId, `game-${slug(version)}`);
    } finally {
      client.end();
    }
  });
}
