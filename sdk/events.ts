/**
 * The event catalogue: every event's name, payload and result type, and how the kernel treats it.
 * `access` events gate a connection and fail closed (a throwing or timed-out listener denies);
 * `resulted` events are read after all listeners and fail open; `observer` events are
 * notifications (errors logged, nothing decided).
 */
import type * as R from './results.ts';

/** Listener priority, a u8: lower runs first. Custom values 0–255 are allowed. */
export const EventPriority = { FIRST: 0, EARLY: 64, NORMAL: 128, LATE: 192, LAST: 255 } as const;

export interface PlayerRef {
  readonly connectionId: number;
  readonly username: string;
  readonly uuid?: string;
  readonly remoteAddress: string;
  readonly protocolVersion: number;
}

export interface ConnectionRef {
  readonly connectionId: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
}

/** The server-list response a ProxyPing listener may change in place. */
export interface PingResponse {
  version: { name: string; protocol: number };
  players: { max: number; online: number; sample?: { name: string; id: string }[] };
  description: unknown;
  favicon?: string;
}

export interface EventMap {
  /** After routing: `serverId` is the matched server, absent for an unknown domain. */
  ConnectionHandshake: { conn: ConnectionRef; domain: string; serverId?: string; protocolVersion: number; intent: 'status' | 'login' | 'transfer' | 'legacy'; result?: R.Allowed | R.Denied | R.DroppedSilently };
  ConnectionRejected: { conn: ConnectionRef; reason: string };
  ProxyPing: { conn: ConnectionRef; domain: string; serverId?: string; response: PingResponse };
  PreLogin: { player: PlayerRef; serverId: string; result?: R.Allowed | R.Denied | R.ForceOffline | R.ForceOnline };
  PostLogin: { player: PlayerRef };
  OnlineAuthFailed: { player: PlayerRef; reason: string };
  /**
   * Fired once per intercepted player, before the proxy first checks one of their permissions
   * (commands typed in-game, the command tree). `hasPermission` is the checker in force: built from
   * `[permissions]` (admins may do everything, others the `player_commands`) when `provider` is
   * "builtin", else one that grants nothing. Assign another to replace it; later listeners see yours.
   * @example
   * ctx.events.on('PermissionsSetup', (e) => {
   *   const previous = e.hasPermission;
   *   e.hasPermission = (permission) => permission === 'hub.use' || previous(permission);
   * });
   */
  PermissionsSetup: { player: PlayerRef; verified: boolean; hasPermission: (permission: string) => boolean };
  PlayerChooseInitialServer: { player: PlayerRef; serverId?: string; result?: R.Allowed | R.RedirectTo | R.SendToLimbo };
  ServerPreConnect: { player: PlayerRef; serverId: string; result?: R.Allowed | R.ConnectTo | R.SendToLimbo | R.Denied };
  ServerConnected: { player: PlayerRef; serverId: string; backend: string };
  ServerSwitch: { player: PlayerRef; previous: string; next: string };
  KickedFromServer: { player: PlayerRef; serverId: string; reason: string; result?: R.DisconnectPlayer | R.RedirectTo | R.SendToLimbo | R.Notify };
  Disconnect: { player: PlayerRef; serverId?: string };
  ChatMessage: { player: PlayerRef; message: string; result?: R.Allowed | R.Denied | R.Modify<string> };
  CommandExecute: { player?: PlayerRef; command: string; args: string[]; result?: R.Allowed | R.Denied };
  RawPacket: { player: PlayerRef; direction: 'serverbound' | 'clientbound'; state: string; packetId: number; data: Uint8Array; result?: R.Pass | R.Modify<Uint8Array> | R.Drop };
  ProxyInitialize: Record<string, never>;
  ProxyShutdown: Record<string, never>;
  ConfigReload: { servers: string[] };
  /**
   * A managed server's state changed (the `server-manager` plugin fires it): `previous` and `next`
   * are ServerState values ('online', 'sleeping', 'starting', 'stopping', 'crashed', 'unknown');
   * `cause` says why when the manager knows (a crash's exit code, an API error).
   * @example
   * ctx.events.on('ServerStateChange', (e) => { if (e.next === 'crashed') ctx.log.warn({ server: e.serverId, cause: e.cause }, 'crashed'); });
   */
  ServerStateChange: { serverId: string; previous: string; next: string; cause?: string };
  /**
   * One backend address of a server became unhealthy (`healthy: false`: failed health checks or
   * players' connects, see `[health_check]`) or healthy again. `address` is "host:port".
   * @example
   * ctx.events.on('BackendHealthChange', (e) => {
   *   if (!e.healthy) ctx.log.warn({ server: e.serverId, address: e.address }, e.reason);
   * });
   */
  BackendHealthChange: { serverId: string; address: string; healthy: boolean; reason: string };
  /**
   * The ban list changed (the `ban` plugin fires it), whatever made the change: a console or
   * in-game command, the admin API, another plugin through the `ban` service, or expiry
   * (`action: 'expired'`, `by: 'system'`, when the plugin purges it). `ban` is the entry as
   * bans.json stores it; `by` says who changed it (`console`, `api`, `player:<name>`, a plugin's
   * source, `system`), which for an unban differs from `ban.source` (who banned).
   * @example
   * ctx.events.on('BanChange', (e) => { if (e.action === 'ban') ctx.log.info({ target: e.ban.target, by: e.by }, 'banned'); });
   */
  BanChange: { action: 'ban' | 'unban' | 'expired'; ban: BanRecord; by: string };
}

/** One ban as bans.json stores it (times in epoch seconds; `expires_at` null = permanent); see BanChange. */
export interface BanRecord {
  readonly target: { readonly type: 'ip' | 'ip_range' | 'username' | 'uuid'; readonly value: string };
  readonly reason: string | null;
  readonly expires_at: number | null;
  readonly created_at: number;
  readonly source: string;
}

export type EventName = keyof EventMap;
export type EventKind = 'access' | 'resulted' | 'observer';

/** How the kernel treats each event: kind, and whether the kernel waits for its listeners. */
export const EVENT_INFO: { readonly [K in EventName]: { readonly kind: EventKind; readonly awaited: boolean } } = {
  ConnectionHandshake: { kind: 'access', awaited: true },
  ConnectionRejected: { kind: 'observer', awaited: false },
  ProxyPing: { kind: 'resulted', awaited: true },
  PreLogin: { kind: 'access', awaited: true },
  PostLogin: { kind: 'observer', awaited: false },
  OnlineAuthFailed: { kind: 'observer', awaited: false },
  PermissionsSetup: { kind: 'resulted', awaited: true },
  PlayerChooseInitialServer: { kind: 'resulted', awaited: true },
  ServerPreConnect: { kind: 'access', awaited: true },
  ServerConnected: { kind: 'observer', awaited: false },
  ServerSwitch: { kind: 'observer', awaited: false },
  KickedFromServer: { kind: 'resulted', awaited: true },
  Disconnect: { kind: 'observer', awaited: false },
  ChatMessage: { kind: 'resulted', awaited: true },
  CommandExecute: { kind: 'resulted', awaited: true },
  RawPacket: { kind: 'resulted', awaited: true },
  ProxyInitialize: { kind: 'observer', awaited: true },
  ProxyShutdown: { kind: 'observer', awaited: true },
  ConfigReload: { kind: 'observer', awaited: false },
  ServerStateChange: { kind: 'observer', awaited: false },
  BackendHealthChange: { kind: 'observer', awaited: false },
  BanChange: { kind: 'observer', awaited: false },
};

/** The result type of an event, or never for events without one. */
export type EventResult<K extends EventName> = EventMap[K] extends { result?: infer T } ? T : never;

/**
 * A listener sees the event (with earlier listeners' changes) and may return a result, which
 * replaces the current one for the listeners after it.
 */
export type EventListener<K extends EventName> = (event: EventMap[K]) => EventResult<K> | void | Promise<EventResult<K> | void>;

export interface ListenOptions {
  /** 0–255, lowest first. Default EventPriority.NORMAL. */
  priority?: number;
}

/** Selects RawPacket events: listeners for packets nobody selected cost nothing. */
export interface PacketSelector {
  direction: 'serverbound' | 'clientbound';
  state: 'handshake' | 'status' | 'login' | 'configuration' | 'play';
  packetId: number;
}
