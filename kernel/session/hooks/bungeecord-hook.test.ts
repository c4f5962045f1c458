import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { Player, PlayerResult, Text } from '../../../sdk/player.ts';
import { ChannelPermissionsSchema } from '../../config/schema-forwarding.ts';
import { kernelIds } from '../../protocol/ids/index.ts';
import type { PlayerChannel } from '../player-channel.ts';
import { DataInput, DataOutput, decodePluginMessage, encodePluginMessage, utfPayload } from './bungeecord-codec.ts';
import { bungeeCordHook } from './bungeecord-hook.ts';
import type { BungeeServer, ChannelPermissions } from './bungeecord-subchannels.ts';
import { fakeChannel, settle } from './fake-channel.test-helper.ts';

const OK: PlayerResult = { ok: true };

interface FakePlayer extends Player {
  readonly messages: Text[];
  readonly kicks: Text[];
  readonly switches: string[];
}

function fakePlayer(connectionId: number, username: string, serverId: string, uuid: string, remoteAddress = '::ffff:10.0.0.9'): FakePlayer {
  const messages: Text[] = [];
  const kicks: Text[] = [];
  const switches: string[] = [];
  return {
    connectionId, username, uuid, remoteAddress, serverId, messages, kicks, switches,
    protocolVersion: 765, mode: 'intercepted', verified: false, profile: undefined,
    sendMessage: (t) => (messages.push(t), OK),
    sendTitle: () => OK,
    sendActionBar: () => OK,
    showBossBar: () => ({ ok: false, code: 'unsupported', message: '' }),
    kick: (t) => (kicks.push(t), OK),
    sendPacket: () => OK,
    switchServer: (id) => (switches.push(id), Promise.resolve(OK)),
  };
}

const server = (id: string, bungeecord_channel: boolean, port = 25565): BungeeServer => ({ id, bungeecord_channel, addresses: [{ host: `${id}.internal`, port, weight: 1 }] });

function world(options: { protocol?: number; permissions?: Partial<ChannelPermissions>; global?: boolean } = {}) {
  const protocol = options.protocol ?? 765;
  const servers = new Map([['lobby', server('lobby', true)], ['game', server('game', false, 40000)], ['quiet', server('quiet', false)]]);
  const steve = fakePlayer(7, 'Steve', 'lobby', '069a79f4-44e9-4726-a5be-fca90e38aaf5');
  const alex = fakePlayer(8, 'Alex', 'game', 'ec561538-f3fd-461d-aff5-086b22154bce');
  const players = [steve, alex];
  const permissions = { ...ChannelPermissionsSchema.parse({}), ...options.permissions };
  const hook = bungeeCordHook({
    sources: {
      players: { get: (id) => players.find((p) => p.connectionId === id), all: () => [...players] },
      servers: () => servers.values(),
      server: (id) => servers.get(id),
      messaging: () => ({ bungeecord: options.global ?? false, bungeecord_permissions: permissions }),
      remotePort: (id) => (id === 7 ? 51234 : 40001),
    },
    log: pino({ level: 'silent' }),
  });
  const me = fakeChannel(protocol, { name: 'Steve' });
  const cb = kernelIds(protocol).play.cb;
  const request = (data: Buffer, channel = protocol >= 393 ? 'bungeecord:main' : 'BungeeCord') => encodePluginMessage(cb.customPayload, channel, data);
  const send = (data: Buffer, from: PlayerChannel = me.channel) => hook.handle(from, 'play', 'clientbound', request(data));
  /** The answers the requesting backend got, decoded. */
  const answers = () => me.toServer.map((p) => ({ ...decodePluginMessage(p), input: new DataInput(decodePluginMessage(p).data) }));
  return { hook, me, steve, alex, players, servers, send, request, answers, protocol };
}

function readUtfs(input: DataInput, n: number): string[] {
  return Array.from({ length: n }, () => input.readUTF());
}

test('the hook asks for play clientbound custom_payload and Join Game, from 1.8', () => {
  const { hook } = world();
  const cb = kernelIds(765).play.cb;
  assert.deepEqual([...hook.ids(765, 'play', 'clientbound')].sort(), [cb.customPayload, cb.login].sort());
  assert.deepEqual(hook.ids(765, 'play', 'serverbound'), []);
  assert.deepEqual(hook.ids(765, 'configuration', 'clientbound'), []);
  assert.deepEqual(hook.ids(5, 'play', 'clientbound'), []);
  assert.equal(hook.ids(47, 'play', 'clientbound').length, 2);
});

test('GetServers, GetServer, PlayerCount (server and ALL), PlayerList are answered on the same channel and dropped', () => {
  const { send, answers, me } = world();
  assert.equal(send(utfPayload('GetServers')), null);
  send(utfPayload('GetServer'));
  send(utfPayload('PlayerCount', 'ALL'));
  send(utfPayload('PlayerCount', 'game'));
  send(utfPayload('PlayerList', 'ALL'));
  send(utfPayload('PlayerList', 'lobby'));
  send(utfPayload('PlayerCount', 'nowhere'));
  const got = answers();
  assert.equal(got.length, 6, 'no answer for an unknown server');
  assert.ok(got.every((a) => a.channel === 'bungeecord:main'));
  assert.deepEqual(readUtfs(got[0]!.input, 2), ['GetServers', 'lobby, game, quiet']);
  assert.deepEqual(readUtfs(got[1]!.input, 2), ['GetServer', 'lobby']);
  assert.deepEqual([...readUtfs(got[2]!.input, 2), got[2]!.input.readInt()], ['PlayerCount', 'ALL', 2]);
  assert.deepEqual([...readUtfs(got[3]!.input, 2), got[3]!.input.readInt()], ['PlayerCount', 'game', 1]);
  assert.deepEqual(readUtfs(got[4]!.input, 3), ['PlayerList', 'ALL', 'Steve, Alex']);
  assert.deepEqual(readUtfs(got[5]!.input, 3), ['PlayerList', 'lobby', 'Steve']);
  assert.equal(me.toClient.length, 0, 'the client never sees the channel');
  assert.equal(me.toServer[0]![0], kernelIds(765).play.sb.customPayload);
});

test('UUID and UUIDOther undashed; IP and IPOther with host (no ::ffff:) and int port; ServerIP with an unsigned short port', () => {
  const { send, answers } = world();
  send(utfPayload('UUID'));
  send(utfPayload('UUIDOther', 'alex'));
  send(utfPayload('IP'));
  send(utfPayload('IPOther', 'Alex'));
  send(utfPayload('ServerIP', 'game'));
  send(utfPayload('GetPlayerServer', 'ALEX'));
  send(utfPayload('UUIDOther', 'Nobody'));
  const [uuid, other, ip, ipOther, serverIp, playerServer, extra] = answers();
  assert.equal(extra, undefined);
  assert.deepEqual(readUtfs(uuid!.input, 2), ['UUID', '069a79f444e94726a5befca90e38aaf5']);
  assert.deepEqual(readUtfs(other!.input, 3), ['UUIDOther', 'Alex', 'ec561538f3fd461daff5086b22154bce']);
  assert.deepEqual([...readUtfs(ip!.input, 2), ip!.input.readInt()], ['IP', '127.0.0.1', 51234]);
  assert.deepEqual([...readUtfs(ipOther!.input, 3), ipOther!.input.readInt()], ['IPOther', 'Alex', '10.0.0.9', 40001]);
  assert.deepEqual([...readUtfs(serverIp!.input, 3), serverIp!.input.readShort() & 0xffff], ['ServerIP', 'game', 'game.internal', 40000]);
  assert.deepEqual(readUtfs(playerServer!.input, 3), ['GetPlayerServer', 'Alex', 'game']);
});

test('1.12.2 answers on BungeeCord with 1.12.2 packet ids', () => {
  const { send, answers, me } = world({ protocol: 340 });
  send(utfPayload('GetServer'));
  assert.equal(answers()[0]!.channel, 'BungeeCord');
  assert.equal(me.toServer[0]![0], kernelIds(340).play.sb.customPayload);
});

test('Connect switches the player (not awaited); an unknown server is ignored; ConnectOther needs its permission', async () => {
  const off = world();
  off.send(utfPayload('Connect', 'game'));
  off.send(utfPayload('Connect', 'nowhere'));
  off.send(utfPayload('ConnectOther', 'Alex', 'lobby'));
  await settle();
  assert.deepEqual(off.steve.switches, ['game']);
  assert.deepEqual(off.alex.switches, [], 'connect_other is off by default');
  const on = world({ permissions: { connect_other: true } });
  on.send(utfPayload('ConnectOther', 'alex', 'lobby'));
  assert.deepEqual(on.alex.switches, ['lobby']);
});

test('Message, MessageRaw, KickPlayer, KickPlayerRaw when permitted; off by default', () => {
  const off = world();
  off.send(utfPayload('Message', 'ALL', 'hi'));
  off.send(utfPayload('KickPlayer', 'Alex', 'bye'));
  assert.deepEqual([off.steve.messages, off.alex.kicks], [[], []]);
  const on = world({ permissions: { message: true, message_raw: true, kick_player: true, kick_player_raw: true } });
  on.send(utfPayload('Message', 'ALL', '§ahi'));
  on.send(utfPayload('Message', 'alex', 'just you'));
  on.send(utfPayload('MessageRaw', 'Steve', '{"text":"raw","color":"red"}'));
  on.send(utfPayload('MessageRaw', 'Steve', '{not json'));
  on.send(utfPayload('KickPlayer', 'Alex', '§cbye'));
  on.send(utfPayload('KickPlayerRaw', 'Steve', '"plain"'));
  assert.deepEqual(on.steve.messages, ['§ahi', { text: 'raw', color: 'red' }]);
  assert.deepEqual(on.alex.messages, ['§ahi', 'just you']);
  assert.deepEqual(on.alex.kicks, ['§cbye']);
  assert.deepEqual(on.steve.kicks, [{ text: 'plain' }]);
});

test('Forward: the rest verbatim to one backend per other server for ALL, to the named server; ForwardToPlayer to that player', () => {
  const w = world();
  const alex = fakeChannel(765, { name: 'Alex' });
  Object.assign(alex.channel, { connectionId: 8, serverId: 'game' });
  const carol = fakeChannel(765, { name: 'Carol' });
  Object.assign(carol.channel, { connectionId: 9, serverId: 'game' });
  const cb = kernelIds(765).play.cb;
  const joinGame = Buffer.from([cb.login, 0]);
  for (const c of [w.me.channel, alex.channel, carol.channel]) w.hook.handle(c, 'play', 'clientbound', joinGame);
  const data = new DataOutput().writeUTF('MyChannel').writeShort(3).writeBytes(Buffer.from([1, 2, 3])).toBuffer();
  const forward = (target: string) => Buffer.concat([utfPayload('Forward', target), data]);
  w.send(forward('ALL'));
  w.send(forward('ONLINE'));
  w.send(forward('lobby'));
  w.send(forward('quiet'));
  w.send(Buffer.concat([utfPayload('ForwardToPlayer', 'carol'), data]));
  const bodies = (c: typeof alex) => c.toServer.map((p) => decodePluginMessage(p).data);
  assert.deepEqual(bodies(alex), [data, data], 'ALL and ONLINE reach one player of each other server');
  assert.deepEqual(bodies(carol), [data], 'ForwardToPlayer');
  assert.deepEqual(bodies(w.me), [data], 'a named server (the sender\'s own) gets it; a server without players does not');
});

test('Forward data over 32767 bytes is not sent; the tracked channels stay bounded', () => {
  const w = world();
  w.hook.handle(w.me.channel, 'play', 'clientbound', Buffer.from([kernelIds(765).play.cb.login, 0]));
  w.send(Buffer.concat([utfPayload('Forward', 'lobby'), Buffer.alloc(40000)]));
  assert.equal(w.me.toServer.length, 0);
  for (let i = 0; i < 1000; i++) {
    const c = fakeChannel(765, { name: `P${i}` });
    Object.assign(c.channel, { connectionId: 100 + i, closed: true });
    w.hook.handle(c.channel, 'play', 'clientbound', Buffer.from([kernelIds(765).play.cb.login, 0]));
  }
  assert.ok(w.hook.backends.size <= 130, `closed channels are pruned (${w.hook.backends.size} kept)`);
});

test('malformed payloads, unknown subchannels and switched-off subchannels are dropped without an answer', () => {
  const w = world({ permissions: { get_servers: false } });
  assert.equal(w.send(Buffer.from([0, 9, 0x41])), null, 'a subchannel longer than the payload');
  assert.equal(w.send(utfPayload('PlayerCount')), null, 'PlayerCount without its argument');
  assert.equal(w.send(Buffer.from([0, 2, 0xc3, 0x28])), null, 'bad modified UTF-8');
  assert.equal(w.send(utfPayload('Teleport', 'x')), null);
  assert.equal(w.send(utfPayload('GetServers')), null);
  assert.equal(w.send(Buffer.alloc(0)), null, 'empty');
  assert.equal(w.me.toServer.length, 0);
  assert.equal(w.me.toClient.length, 0);
});

test('a server without bungeecord_channel passes the message to the client; [plugin_messaging] bungeecord turns it on everywhere', () => {
  const w = world();
  Object.assign(w.me.channel, { serverId: 'game' });
  assert.equal(w.send(utfPayload('GetServer')), undefined);
  assert.equal(w.me.toServer.length, 0);
  const g = world({ global: true });
  Object.assign(g.me.channel, { serverId: 'game' });
  assert.equal(g.send(utfPayload('GetServer')), null);
  assert.equal(g.me.toServer.length, 1);
});

test('other channels, and a custom_payload the proxy cannot read, pass untouched', () => {
  const w = world();
  const cb = kernelIds(765).play.cb;
  assert.equal(w.hook.handle(w.me.channel, 'play', 'clientbound', encodePluginMessage(cb.customPayload, 'minecraft:brand', Buffer.from([5, 0x70]))), undefined);
  assert.equal(w.hook.handle(w.me.channel, 'play', 'clientbound', Buffer.from([cb.customPayload, 0x7f])), undefined);
});
