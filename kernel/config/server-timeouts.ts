/** Limits a server file may override, resolved against infrarust.toml's values. */
import type { ProxyConfig } from './schema-global.ts';
import type { ServerConfig } from './schema-server.ts';

/** How long one backend address may take to accept a connection. */
export function connectTimeout(server: Pick<ServerConfig, 'timeouts'>, config: Pick<ProxyConfig, 'connect_timeout'>): number {
  return server.timeouts?.connect ?? config.connect_timeout;
}
