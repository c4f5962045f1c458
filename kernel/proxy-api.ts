/**
 * The ProxyApi plugins get: the servers, plugins and live connections, disconnect and shutdown,
 * and config values for display.
 */
import type { PlayerRef } from '../sdk/events.ts';
import type { AddressHealthSummary, ConnectionSummary, PluginSummary, ProxyApi, ProxyLogs, ProxyStats } from '../sdk/plugin.ts';
import type { ProxyConfig, LoadedServer } from './config/index.ts';
import type { ConnectionContext } from './session/connection-context.ts';
import type { PlayerRegistry } from './session/player-registry.ts';
import { encodeLoginDisconnect } from './protocol/packets/login.ts';
import { legacyToJson } from '../sdk/text.ts';
import type { EventBus } from './layers/event-bus.ts';
import { limboHolds } from './limbo/limbo-holds.ts';
import { relayBytes } from './net/relay-bytes.ts';

/** Where the API reads from: the proxy's state and the daemon's controls, all read when called. */
export interface ProxyApiSources {
  config(): ProxyConfig;
  server(id: string): LoadedServer | undefined;
  servers(): Iterable<LoadedServer>;
  connections(): Iterable<ConnectionContext>;
  version: string;
  startedAt: number;
  plugins(): PluginSummary[];
  shutdown(): void;
  /** The proxy's players (undefined before the proxy exists). */
  players(): PlayerRegistry | undefined;
  /** Health and live connections of a server's addresses (routing/backend-pools.ts). */
  backendStatus?(id: string): readonly AddressHealthSummary[] | undefined;
  /** The root logger's tap (log/log-tap.ts). */
  logs: ProxyLogs;
  /** Reloads a plugin by id (the plugin host). */
  reloadPlugin(id: string): Promise<boolean>;
  /** Where a server comes from (`file` or a provider id), routing/server-sources.ts. */
  serverOrigin?(id: string): { source: string; origin?: string } | undefined;
  /** A live player's permission checker (session/hooks/permissions.ts); undefined once they left. */
  permissions?(player: PlayerRef, verified: boolean): ((permission: string) => boolean) | Promise<(permission: string) => boolean> | undefined;
  /** Where `stats()` reads the event bus and status cache counters. */
  stats: StatsSources;
}

/**
 * `ProxyApi.stats()` reads counters kept where the work happens, each at near-zero cost: relay
 * bytes (net/relay-bytes.ts), limbo holds (limbo/limbo-holds.ts), status cache answers
 * (status/status-service.ts) and event listener calls and time (layers/event-bus.ts).
 */
export interface StatsSources {
  events: Pick<EventBus, 'timings'>;
  /** undefined before the proxy exists. */
  statusCache(): ProxyStats['statusCache'] | undefined;
}

/** What a proxy that moved nothing reports (plugins loaded outside a proxy, the test kit). */
export const EMPTY_STATS: ProxyStats = Object.freeze({
  relay: { bytesUp: 0, bytesDown: 0, ended: 0 },
  limbo: { held: 0, byHandler: {} },
  statusCache: { hits: 0, stale: 0, misses: 0, entries: 0 },
  events: [],
});

function readStats(sources: StatsSources): ProxyStats {
  return {
    relay: relayBytes(),
    limbo: limboHolds(),
    statusCache: sources.statusCache() ?? EMPTY_STATS.statusCache,
    events: sources.events.timings().map(({ owner, event, counts }) => ({ plugin: owner, event, ...counts })),
  };
}

export function createProxyApi(sources: ProxyApiSources): ProxyApi {
  const find = (id: number): ConnectionContext | undefined => {
    for (const c of sources.connections()) if (c.id === id) return c;
    return undefined;
  };
  return {
    get version() {
      return sources.version;
    },
    uptimeMs: () => Date.now() - sources.startedAt,
    servers: () => {
      const counts = new Map<string, number>();
      for (const c of sources.connections()) if (c.serverId !== undefined) counts.set(c.serverId, (counts.get(c.serverId) ?? 0) + 1);
      return [...sources.servers()].map((s) => ({
        id: s.id,
        domains: s.domains,
        addresses: s.addresses.map((a) => (a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`)),
        proxyMode: s.proxy_mode,
        connections: counts.get(s.id) ?? 0,
        balance: s.balance,
        health: sources.backendStatus?.(s.id),
        ...sources.serverOrigin?.(s.id),
        maxPlayers: s.max_players,
      }));
    },
    hasPermission: async (player, permission) => {
      const checker = await sources.permissions?.(player, player.verified);
      return checker?.(permission) ?? false;
    },
    plugins: () => sources.plugins(),
    logs: sources.logs,
    reloadPlugin: (id) => sources.reloadPlugin(id),
    stats: () => readStats(sources.stats),
    shutdown: () => sources.shutdown(),
    describeConfig: (key) => {
      const config = sources.config();
      return Object.hasOwn(config.sections, key) ? config.sections[key] : key === 'sections' ? undefined : (config as Record<string, unknown>)[key];
    },
    connections: () => [...sources.connections()].map(summary),
    players: () => sources.players()?.all() ?? [],
    player: (query) => sources.players()?.find(query),
    disconnect: (connectionId, reason) => {
      // An intercepted player owns its stream: the kick shows the reason in any state.
      const player = sources.players()?.get(connectionId);
      if (player?.mode === 'intercepted') return player.kick(reason).ok;
      const ctx = find(connectionId);
      if (ctx === undefined || ctx.socket.destroyed) return false;
      if (ctx.socket.writableEnded) {
        ctx.socket.destroy(); // already being closed (e.g. a login just refused): finish it
      } else if (ctx.phase === 'login' && ctx.handshake?.intent !== 'legacy-login') {
        ctx.socket.end(encodeLoginDisconnect(legacyToJson(reason)));
        ctx.socket.setTimeout(5_000, () => ctx.socket.destroy());
      } else {
        ctx.socket.destroy();
      }
      return true;
    },
  };
}

function summary(c: ConnectionContext): ConnectionSummary {
  return {
    connectionId: c.id,
    remoteAddress: c.remoteAddress,
    phase: c.phase,
    domain: c.handshake?.host,
    serverId: c.serverId,
    username: c.username,
    uuid: c.uuid,
    protocolVersion: c.handshake?.protocolVersion,
  };
}
