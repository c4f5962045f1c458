/**
 * What the backend sees as the server address in the handshake. `none` keeps the client's
 * bytes; `from_backend` uses the backend address being dialled; `{ explicit }` a fixed host.
 * Forge/BungeeCord data after the first NUL is kept in every case. Used by the login replay and
 * by status fetches, so it sits with routing rather than in either phase.
 */
import type { BackendAddress, LoadedServer } from '../config/index.ts';

export function needsRewrite(server: LoadedServer): boolean {
  return server.domain_rewrite.type !== 'none';
}

/** `rawAddress` is the address exactly as the client sent it (Forge markers included). */
export function backendHandshakeAddress(server: LoadedServer, rawAddress: string, backend: Pick<BackendAddress, 'host'> | undefined): string {
  const rule = server.domain_rewrite;
  if (rule.type === 'none' || backend === undefined) return rawAddress;
  const suffixAt = rawAddress.indexOf('\0');
  const suffix = suffixAt < 0 ? '' : rawAddress.slice(suffixAt);
  const host = rule.type === 'from_backend' ? backend.host : rule.host;
  return host + suffix;
}
