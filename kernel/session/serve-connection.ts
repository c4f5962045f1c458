/**
 * One connection from its first byte to the relay: the table of contents of the protocol path.
 * Sniff the first byte (pre-netty ping or login, else a modern handshake), then the phases in
 * order, each in its own file: client-handshake → client-status, or client-login → backend-*.
 * Any error ends this connection only, quietly: one debug line, never a stack trace at info level.
 */
import { ClientReader } from '../net/client-reader.ts';
import { dataTap } from '../net/transport-tap.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { SessionDeps } from './deps.ts';
import { clientHandshake, rejectUnknownLogin } from './client-handshake.ts';
import { serveStatus } from './client-status.ts';
import { clientLogin } from './client-login.ts';
import { backendPassthrough } from './backend-passthrough.ts';
import { interceptedSession } from './intercepted-session.ts';
import { readLegacyPing, serveLegacyPing } from './client-legacy-ping.ts';
import { relayLegacyLogin } from './client-legacy-login.ts';
import { endQuietly } from './disconnect.ts';
import { HANDSHAKE_TIMEOUT_MS } from './timeouts.ts';
import { isIntercepted } from './modes.ts';

/** The proxy modes where the proxy owns both logins and relays packet by packet. */

export async function serveConnection(ctx: ConnectionContext, deps: SessionDeps): Promise<void> {
  const reader = new ClientReader(ctx.socket, dataTap(ctx.transport), ctx.preRoute);
  try {
    await reader.waitForData(HANDSHAKE_TIMEOUT_MS);
    const first = reader.bytes()[0];
    if (first === 0xfe) {
      const ping = await readLegacyPing(reader);
      if (ping !== null) return await serveLegacyPing(ctx, reader, ping, deps);
    }
    if (first === 0x02) return await relayLegacyLogin(ctx, reader, deps);
    const routed = await clientHandshake(ctx, reader, deps);
    if (routed === undefined) return;
    if (ctx.handshake!.intent === 'status') return await serveStatus(ctx, reader, routed.server, deps);
    if (routed.server === undefined) return rejectUnknownLogin(ctx, reader, deps);
    const server = await clientLogin(ctx, reader, routed.server, deps);
    if (server === undefined) return;
    if (isIntercepted(server.proxy_mode)) return await interceptedSession(ctx, reader, server, deps);
    return await backendPassthrough(ctx, reader, server, deps);
  } catch (err) {
    endQuietly(ctx, reader, err);
  }
}
