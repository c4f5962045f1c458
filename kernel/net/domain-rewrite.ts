/**
 * What the backend sees as the server address in the handshake. `none` keeps the client's
 * bytes; `from_backend` uses the backend address being dialled; `{ explicit }` a fixed host.
 * Forge/BungeeCord data after the first NUL is kept in every case.
 */
import type { LoadedServer } from '../config/index.ts';
import type { HandshakeInfo } from './connection-context.ts';
import type { BackendAddress } from './backend-connect.ts';

export function needsRewrite(server: LoadedServer): boolean {
  return server.domain_rewrite.type !== 'none';
}

export function backendHandshakeAddress(server: LoadedServer, hs: HandshakeInfo, backend: BackendAddress | undefined): string {
  const rule = server.domain_rewrite;
  if (rule.type === 'none' || backend === undefined) return hs.rawAddress;
  const suffixAt = hs.rawAddress.indexOf('\0');
  const suffix = suffixAt < 0 ? '' : hs.rawAddress.slice(suffixAt);
  const host = rule.type === 'from_backend' ? backend.host : rule.host;
  return host + suffix;
}
