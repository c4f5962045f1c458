// The BungeeCord plugin-message channel through the real proxy (offline mode), per protocol era:
// a real minecraft-protocol backend sends Paper-style requests (clientbound custom_payload on
// `bungeecord:main`, `BungeeCord` before 1.13) on a real client's connection; the proxy answers on
// the same connection serverbound and the client never sees them. `Connect` moves the player to
// the other backend; a malformed payload and a `Connect` to an unknown server change nothing; a
// server without `bungeecord_channel` passes the message to the client untouched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { offlineUuid } from '../../kernel/protocol/uuid.ts';
import { DataInput, DataOutput, utfPayload } from '../../kernel/session/hooks/bungeecord-codec.ts';

const VERSIONS = (process.env.VERSIONS ?? '1.8.8,1.20.1,1.21.4').split(',');
const NAMES = ['lobby', 'game', 'plain'] as const;
type Name = (typeof NAMES)[number];

interface Side {
  backend: Backend;
  /** Each joined player's connection on this backend. */
  clients: Map<string, mc.ServerClient>;
  /** BungeeCord-channel messages the backend received, per player. */
  answers: Map<string, { channel: string; data: Buffer }[]>;
}

const sides = new Map<string, Record<Name, Side>>();
let proxy: Harness;
const slug = (v: string): string => v.replace(/\./g, '_');
const id = (name: Name, version: string): string => `${name}-${slug(version)}`;
const channelFor = (version: string): string => (['1.8.8', '1.12.2'].includes(version) ? 'BungeeCord' : 'bungeecord:main');

async function side(version: string): Promise<Side> {
  const backend = await startBackend({ version });
  const s: Side = { backend, clients: new Map(), answers: new Map() };
  backend.server.on('playerJoin', (client: mc.ServerClient) => {
    s.clients.set(client.username, client);
    const got: { channel: string; data: Buffer }[] = [];
    s.answers.set(client.username, got);
    (client as unknown as EventEmitter).on('custom_payload', (p: { channel: string; data: Buffer }) => {
      if (p.channel === 'bungeecord:main' || p.channel === 'BungeeCord') got.push(p);
    });
  });
  return s;
}

before(async () => {
  const servers: Record<string, string> = {};
  for (const version of VERSIONS) {
    const set = { lobby: await side(version), game: await side(version), plain: await side(version) };
    sides.set(version, set);
    for (const name of NAMES) {
      const channel = name === 'plain' ? '' : 'bungeecord_channel = true';
      servers[id(name, version)] = serverToml([`${name}.${version}.test`], [set[name].backend.port], `proxy_mode = "offline"\n${channel}`);
    }
  }
  proxy = await startProxy({ servers });
});

after(async () => {
  await proxy?.stop();
  for (const set of sides.values()) for (const name of NAMES) await set[name].backend.close();
});

async function waitFor<T>(get: () => T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = get();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The backend asks over the player's connection and waits for the next answer. */
async function ask(s: Side, version: string, username: string, data: Buffer): Promise<DataInput> {
  const got = s.answers.get(username)!;
  const before = got.length;
  s.clients.get(username)!.write('custom_payload', { channel: channelFor(version), data });
  const answer = await waitFor(() => got[before], `an answer to ${new DataInput(data).readUTF()}`);
  assert.equal(answer.channel, channelFor(version), 'answered on the channel the backend used');
  return new DataInput(answer.data);
}

function utfs(input: DataInput, n: number): string[] {
  return Array.from({ length: n }, () => input.readUTF());
}

/** Custom payloads the client receives on the BungeeCord channel (there should be none from enabled servers). */
function watchClient(client: mc.Client): { channel: string; data: Buffer }[] {
  const seen: { channel: string; data: Buffer }[] = [];
  client.on('custom_payload', (p: { channel: string; data: Buffer }) => {
    if (p.channel === 'bungeecord:main' || p.channel === 'BungeeCord') seen.push(p);
  });
  return seen;
}

for (const version of VERSIONS) {
  test(`${version}: GetServers, PlayerCount, UUID, IP answered; bad input ignored; Connect moves the player`, async () => {
    const { lobby, game } = sides.get(version)!;
    const username = `Bc${slug(version)}`.slice(0, 16);
    const { client } = await join({ port: proxy.port, domain: `lobby.${version}.test`, version, username, keep: true });
    const leaked = watchClient(client);
    try {
      await waitFor(() => lobby.clients.get(username), 'the lobby to see the player');
      const servers = utfs(await ask(lobby, version, username, utfPayload('GetServers')), 2);
      assert.equal(servers[0], 'GetServers');
      for (const name of NAMES) assert.ok(servers[1]!.split(', ').includes(id(name, version)), servers[1]);

      const all = await ask(lobby, version, username, utfPayload('PlayerCount', 'ALL'));
      assert.deepEqual(utfs(all, 2), ['PlayerCount', 'ALL']);
      assert.ok(all.readInt() >= 1);
      const here = await ask(lobby, version, username, utfPayload('PlayerCount', id('lobby', version)));
      assert.deepEqual([...utfs(here, 2), here.readInt()], ['PlayerCount', id('lobby', version), 1]);

      const uuid = await ask(lobby, version, username, utfPayload('UUID'));
      assert.deepEqual(utfs(uuid, 2), ['UUID', offlineUuid(username).replace(/-/g, '')]);
      const ip = await ask(lobby, version, username, utfPayload('IP'));
      assert.deepEqual(utfs(ip, 2), ['IP', '127.0.0.1']);
      assert.ok(ip.readInt() > 0, 'the client port');

      // Bad input: a truncated subchannel, PlayerCount without its server, Connect to no server.
      // The next request is still answered in order, the player stays on the lobby.
      lobby.clients.get(username)!.write('custom_payload', { channel: channelFor(version), data: Buffer.from([0, 9, 0x41]) });
      lobby.clients.get(username)!.write('custom_payload', { channel: channelFor(version), data: utfPayload('PlayerCount') });
      lobby.clients.get(username)!.write('custom_payload', { channel: channelFor(version), data: utfPayload('Connect', 'nowhere') });
      assert.deepEqual(utfs(await ask(lobby, version, username, utfPayload('GetServer')), 2), ['GetServer', id('lobby', version)]);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(proxy.api.player(username)?.serverId, id('lobby', version));
      assert.ok(!game.backend.joined.includes(username));

      const moved = new Promise((resolve) => client.once('login', resolve));
      lobby.clients.get(username)!.write('custom_payload', { channel: channelFor(version), data: utfPayload('Connect', id('game', version)) });
      await moved;
      await waitFor(() => game.clients.get(username), 'the game backend to see the player');
      assert.equal(proxy.api.player(username)?.serverId, id('game', version));
      const there = await ask(game, version, username, utfPayload('GetServer'));
      assert.deepEqual(utfs(there, 2), ['GetServer', id('game', version)]);
      assert.deepEqual(leaked, [], 'the client never saw a BungeeCord message');
    } finally {
      client.end();
    }
  });
}

test('Forward reaches a player on another server with the data verbatim', async () => {
  const version = VERSIONS.includes('1.21.4') ? '1.21.4' : VERSIONS[0]!;
  const { lobby, game } = sides.get(version)!;
  const a = await join({ port: proxy.port, domain: `lobby.${version}.test`, version, username: 'FwdA', keep: true });
  const b = await join({ port: proxy.port, domain: `game.${version}.test`, version, username: 'FwdB', keep: true });
  try {
    await waitFor(() => lobby.clients.get('FwdA') && game.clients.get('FwdB'), 'both players');
    const data = new DataOutput().writeUTF('MyPlugin').writeShort(3).writeBytes(Buffer.from([7, 8, 9])).toBuffer();
    lobby.clients.get('FwdA')!.write('custom_payload', { channel: channelFor(version), data: Buffer.concat([utfPayload('Forward', 'ALL'), data]) });
    const got = await waitFor(() => game.answers.get('FwdB')![0], 'the forwarded message');
    assert.deepEqual(got.data, data);
  } finally {
    a.client.end();
    b.client.end();
  }
});

test('a server without bungeecord_channel relays the message to the client unchanged', async () => {
  const version = VERSIONS.includes('1.20.1') ? '1.20.1' : VERSIONS[0]!;
  const { plain } = sides.get(version)!;
  const { client } = await join({ port: proxy.port, domain: `plain.${version}.test`, version, username: 'PlainOne', keep: true });
  try {
    const seen = watchClient(client);
    await waitFor(() => plain.clients.get('PlainOne'), 'the backend to see the player');
    plain.clients.get('PlainOne')!.write('custom_payload', { channel: channelFor(version), data: utfPayload('GetServers') });
    const got = await waitFor(() => seen[0], 'the message at the client');
    assert.equal(got.channel, channelFor(version));
    assert.deepEqual(got.data, utfPayload('GetServers'));
    assert.deepEqual(plain.answers.get('PlainOne'), [], 'no answer from the proxy');
  } finally {
    client.end();
  }
});
