/**
 * The ProxyApi plugins get: read-only config sections (the kernel's validated, frozen values),
 * the live connections, and disconnect.
 */
import type { ConnectionSummary, ProxyApi } from '../../sdk/plugin.ts';
import type { ProxyConfig, LoadedServer } from '../config/index.ts';
import type { ConnectionContext } from '../net/connection-context.ts';
import { encodeLoginDisconnect } from '../protocol/packets/login.ts';
import { legacyToJson } from '../../sdk/text.ts';

export interface ProxyApiSources {
  config(): ProxyConfig;
  server(id: string): LoadedServer | undefined;
  connections(): Iterable<ConnectionContext>;
}

export function createProxyApi(sources: ProxyApiSources): ProxyApi {
  const find = (id: number): ConnectionContext | undefined => {
    for (const c of sources.connections()) if (c.id === id) return c;
    return undefined;
  };
  return {
    config: <T>(section: string) => (sources.config() as unknown as Record<string, unknown>)[section] as T | undefined,
    serverConfig: <T>(serverId: string, section: string) =>
      (sources.server(serverId) as unknown as Record<string, unknown> | undefined)?.[section] as T | undefined,
    connections: () => [...sources.connections()].map(summary),
    disconnect: (connectionId, reason) => {
      const ctx = find(connectionId);
      if (ctx === undefined || ctx.socket.destroyed) return false;
      if (ctx.phase === 'login' && ctx.handshake?.intent !== 'legacy-login') {
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
