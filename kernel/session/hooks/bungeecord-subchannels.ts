/**
 * The BungeeCord subchannels the proxy answers, with BungeeCord's and Velocity's payloads. Each
 * reads its arguments from the request and returns the answer for the requesting backend (or
 * nothing); the ones that act elsewhere (Connect, Forward, Message, KickPlayer…) do it here.
 * A name that matches no player or server is ignored, as both proxies do.
 *
 * | Subchannel | Request after the subchannel | Answer |
 * |---|---|---|
 * | Connect | server | — (the player is switched) |
 * | ConnectOther | player, server | — |
 * | IP | — | "IP", host, int port |
 * | IPOther | player | "IPOther", player, host, int port |
 * | PlayerCount | server or "ALL" | "PlayerCount", server, int count |
 * | PlayerList | server or "ALL" | "PlayerList", server, "a, b, c" |
 * | GetServers | — | "GetServers", "lobby, game" |
 * | GetServer | — | "GetServer", current server |
 * | GetPlayerServer | player | "GetPlayerServer", player, server |
 * | UUID | — | "UUID", undashed uuid |
 * | UUIDOther | player | "UUIDOther", player, undashed uuid |
 * | ServerIP | server | "ServerIP", server, host, unsigned short port |
 * | Message / MessageRaw | player or "ALL", legacy text / JSON | — (chat) |
 * | KickPlayer / KickPlayerRaw | player, legacy text / JSON | — (kick) |
 * | Forward | server, "ALL" or "ONLINE", then data | — (data to one backend per server) |
 * | ForwardToPlayer | player, then data | — (data to that player's backend) |
 */
import type { z } from 'zod';
import type { Player, Text } from '../../../sdk/player.ts';
import type { LoadedServer } from '../../config/index.ts';
import type { ChannelPermissionsSchema } from '../../config/schema-forwarding.ts';
import type { Logger } from '../../log/logger.ts';
import type { PlayerChannel } from '../player-channel.ts';
import { sendToBackend, type PlayChannels } from './bungeecord-backends.ts';
import { DataOutput, utfPayload, type DataInput } from './bungeecord-codec.ts';

export type ChannelPermissions = z.output<typeof ChannelPermissionsSchema>;

/** What the subchannels read of a server. */
export type BungeeServer = Pick<LoadedServer, 'id' | 'addresses' | 'bungeecord_channel'>;

/** The proxy's state the subchannels read and act on (the Proxy provides it). */
export interface BungeeCordSources {
  /** Every player (intercepted and passthrough): counts, lists, messages, kicks, Connect. */
  readonly players: { get(connectionId: number): Player | undefined; all(): Player[] };
  readonly servers: () => Iterable<BungeeServer>;
  readonly server: (id: string) => BungeeServer | undefined;
  /** `[plugin_messaging]` as loaded. */
  readonly messaging: () => { readonly bungeecord: boolean; readonly bungeecord_permissions: ChannelPermissions };
  /** The client's port for IP/IPOther (0 when unknown). */
  readonly remotePort?: (connectionId: number) => number | undefined;
}

export interface SubchannelContext {
  /** The player whose backend asked. */
  readonly channel: PlayerChannel;
  readonly sources: BungeeCordSources;
  readonly backends: PlayChannels;
  readonly log: Logger;
}

export interface Subchannel {
  readonly permission: keyof ChannelPermissions;
  run(ctx: SubchannelContext, input: DataInput): Buffer | undefined;
}

function byName(ctx: SubchannelContext, name: string): Player | undefined {
  const lower = name.toLowerCase();
  return ctx.sources.players.all().find((p) => p.username.toLowerCase() === lower);
}

/** Java's getHostString: an IPv4 client on a dual-stack socket without its `::ffff:` prefix. */
export function hostString(address: string): string {
  return /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(address) ? address.slice(7) : address;
}

const undashed = (uuid: string): string => uuid.replace(/-/g, '');

function address(ctx: SubchannelContext, player: { connectionId: number; remoteAddress: string }, ...head: string[]): Buffer {
  const out = new DataOutput();
  for (const s of [...head, hostString(player.remoteAddress)]) out.writeUTF(s);
  return out.writeInt(ctx.sources.remotePort?.(player.connectionId) ?? 0).toBuffer();
}

/** Moves `player` to `serverId` if that server exists; the switch reports its own failures to the player. */
function connect(ctx: SubchannelContext, player: Player | undefined, serverId: string): undefined {
  if (player === undefined) return undefined;
  if (ctx.sources.server(serverId) === undefined) {
    ctx.log.debug({ conn: ctx.channel.connectionId, target: serverId }, 'BungeeCord Connect to an unknown server ignored');
    return undefined;
  }
  // Not awaited: the backend's packets are held while a hook runs, and a switch needs the streams.
  void player.switchServer(serverId).then(
    (r) => {
      if (!r.ok) ctx.log.debug({ conn: player.connectionId, target: serverId, code: r.code }, 'BungeeCord Connect did not move the player');
    },
    (err: unknown) => ctx.log.warn({ conn: player.connectionId, target: serverId, err }, 'BungeeCord Connect failed'),
  );
  return undefined;
}

function count(ctx: SubchannelContext, input: DataInput, kind: 'PlayerCount' | 'PlayerList'): Buffer | undefined {
  const target = input.readUTF();
  const all = ctx.sources.players.all();
  const server = target === 'ALL' ? undefined : ctx.sources.server(target);
  if (target !== 'ALL' && server === undefined) return undefined;
  const players = server === undefined ? all : all.filter((p) => p.serverId === server.id);
  const name = server?.id ?? 'ALL';
  if (kind === 'PlayerList') return utfPayload(kind, name, players.map((p) => p.username).join(', '));
  return new DataOutput().writeUTF(kind).writeUTF(name).writeInt(players.length).toBuffer();
}

/** Parses MessageRaw/KickPlayerRaw JSON into Text; undefined when it is not a component. */
export function jsonText(json: string): Text | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof parsed === 'string') return { text: parsed };
  if (Array.isArray(parsed)) return { text: '', extra: parsed as never };
  return typeof parsed === 'object' && parsed !== null ? (parsed as Text) : undefined;
}

function message(ctx: SubchannelContext, input: DataInput, raw: boolean): undefined {
  const target = input.readUTF();
  const body = input.readUTF();
  const text = raw ? jsonText(body) : body;
  if (text === undefined) return undefined;
  const targets = target === 'ALL' ? ctx.sources.players.all() : [byName(ctx, target)];
  for (const p of targets) p?.sendMessage(text);
  return undefined;
}

function kick(ctx: SubchannelContext, input: DataInput, raw: boolean): undefined {
  const target = byName(ctx, input.readUTF());
  const reason = input.readUTF();
  const text = raw ? jsonText(reason) : reason;
  if (target !== undefined && text !== undefined) target.kick(text);
  return undefined;
}

/** Forward: the rest of the payload, verbatim, to one backend per target server. */
function forward(ctx: SubchannelContext, input: DataInput): undefined {
  const target = input.readUTF();
  const data = Buffer.from(input.rest());
  if (target === 'ALL' || target === 'ONLINE') {
    for (const [serverId, channel] of ctx.backends.perServer()) {
      if (serverId !== ctx.channel.serverId) sendToBackend(channel, data);
    }
    return undefined;
  }
  const channel = ctx.backends.onServer(target);
  if (channel !== undefined) sendToBackend(channel, data);
  return undefined;
}

function forwardToPlayer(ctx: SubchannelContext, input: DataInput): undefined {
  const channel = ctx.backends.byName(input.readUTF());
  const data = Buffer.from(input.rest());
  if (channel !== undefined) sendToBackend(channel, data);
  return undefined;
}

export const SUBCHANNELS: ReadonlyMap<string, Subchannel> = new Map<string, Subchannel>([
  ['Connect', { permission: 'connect', run: (ctx, input) => connect(ctx, ctx.sources.players.get(ctx.channel.connectionId), input.readUTF()) }],
  ['ConnectOther', {
    permission: 'connect_other',
    run(ctx, input) {
      const player = byName(ctx, input.readUTF());
      return connect(ctx, player, input.readUTF());
    },
  }],
  ['IP', { permission: 'ip', run: (ctx) => address(ctx, ctx.channel, 'IP') }],
  ['IPOther', {
    permission: 'ip_other',
    run(ctx, input) {
      const p = byName(ctx, input.readUTF());
      return p === undefined ? undefined : address(ctx, p, 'IPOther', p.username);
    },
  }],
  ['PlayerCount', { permission: 'player_count', run: (ctx, input) => count(ctx, input, 'PlayerCount') }],
  ['PlayerList', { permission: 'player_list', run: (ctx, input) => count(ctx, input, 'PlayerList') }],
  ['GetServers', { permission: 'get_servers', run: (ctx) => utfPayload('GetServers', [...ctx.sources.servers()].map((s) => s.id).join(', ')) }],
  ['GetServer', { permission: 'get_server', run: (ctx) => utfPayload('GetServer', ctx.channel.serverId) }],
  ['GetPlayerServer', {
    permission: 'get_player_server',
    run(ctx, input) {
      const p = byName(ctx, input.readUTF());
      return p?.serverId === undefined ? undefined : utfPayload('GetPlayerServer', p.username, p.serverId);
    },
  }],
  ['UUID', { permission: 'uuid', run: (ctx) => utfPayload('UUID', undashed(ctx.channel.profile.uuid)) }],
  ['UUIDOther', {
    permission: 'uuid_other',
    run(ctx, input) {
      const p = byName(ctx, input.readUTF());
      return p?.uuid === undefined ? undefined : utfPayload('UUIDOther', p.username, undashed(p.uuid));
    },
  }],
  ['ServerIP', {
    permission: 'server_ip',
    run(ctx, input) {
      const server = ctx.sources.server(input.readUTF());
      const first = server?.addresses[0];
      if (server === undefined || first === undefined) return undefined;
      return new DataOutput().writeUTF('ServerIP').writeUTF(server.id).writeUTF(first.host).writeShort(first.port).toBuffer();
    },
  }],
  ['Message', { permission: 'message', run: (ctx, input) => message(ctx, input, false) }],
  ['MessageRaw', { permission: 'message_raw', run: (ctx, input) => message(ctx, input, true) }],
  ['KickPlayer', { permission: 'kick_player', run: (ctx, input) => kick(ctx, input, false) }],
  ['KickPlayerRaw', { permission: 'kick_player_raw', run: (ctx, input) => kick(ctx, input, true) }],
  ['Forward', { permission: 'forward', run: forward }],
  ['ForwardToPlayer', { permission: 'forward_to_player', run: forwardToPlayer }],
]);
