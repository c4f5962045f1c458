/**
 * Player-info forwarding (`[forwarding]`, per-server `forwarding_mode`) and the BungeeCord
 * plugin-messaging channel (`[plugin_messaging]`).
 */
import { z } from 'zod';

/** v2 accepts `legacy` for `bungee_cord` and `modern` for `velocity`; we normalise the aliases. */
export const ForwardingModeSchema = z
  .enum(['none', 'bungee_cord', 'legacy', 'bungee_guard', 'velocity', 'modern'])
  .transform((mode) => (mode === 'legacy' ? 'bungee_cord' : mode === 'modern' ? 'velocity' : mode));

export type ForwardingMode = z.output<typeof ForwardingModeSchema>;

const on = z.boolean().default(true);
const off = z.boolean().default(false);

/**
 * BungeeCord subchannel switches. Reads default on; subchannels that act on other players default
 * off. v2 also accepts the subchannel names (`ConnectOther`), which a strict object cannot alias,
 * so the loader rewrites them to snake_case before validation (see `aliasChannelKeys`).
 */
export const ChannelPermissionsSchema = z.strictObject({
  connect: on, connect_other: off, ip: on, ip_other: on, player_count: on, player_list: on,
  get_servers: on, get_server: on, get_player_server: on, forward: on, forward_to_player: on,
  uuid: on, uuid_other: on, server_ip: on, message: off, message_raw: off, kick_player: off,
  kick_player_raw: off,
});

const CHANNEL_ALIASES: Readonly<Record<string, string>> = {
  Connect: 'connect', ConnectOther: 'connect_other', IP: 'ip', IPOther: 'ip_other',
  PlayerCount: 'player_count', PlayerList: 'player_list', GetServers: 'get_servers',
  GetServer: 'get_server', GetPlayerServer: 'get_player_server', Forward: 'forward',
  ForwardToPlayer: 'forward_to_player', UUID: 'uuid', UUIDOther: 'uuid_other', ServerIP: 'server_ip',
  Message: 'message', MessageRaw: 'message_raw', KickPlayer: 'kick_player', KickPlayerRaw: 'kick_player_raw',
};

/** Rewrites BungeeCord subchannel names to their snake_case keys (a pure preprocess step). */
export function aliasChannelKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [CHANNEL_ALIASES[k] ?? k, v]));
}

const channelPermissions = z.preprocess(aliasChannelKeys, ChannelPermissionsSchema);

/**
 * `[forwarding]`. `bungeecord_channel` and `channel_permissions` moved to `[plugin_messaging]`;
 * like v2 they still parse (so old files load) and the loader warns that they are ignored.
 */
export const ForwardingSchema = z.strictObject({
  mode: ForwardingModeSchema.default('none'),
  secret_file: z.string().min(1).default('forwarding.secret'),
  bungeecord_channel: z.boolean().optional(),
  channel_permissions: channelPermissions.optional(),
});

/** `[plugin_messaging]`: answer BungeeCord-channel requests from backend plugins. */
export const PluginMessagingSchema = z.strictObject({
  bungeecord: off,
  bungeecord_permissions: channelPermissions.prefault({}),
});
