/** The status phase: answer the status request (ProxyPing may rewrite it), then the ping, then close. */
import type { LoadedServer } from '../config/index.ts';
import type { ClientReader } from '../net/client-reader.ts';
import { decodePing, decodeStatusRequest, encodePong, encodeStatusResponse } from '../protocol/packets/status.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { StatusDeps } from './deps.ts';
import { connectionRef } from './event-refs.ts';
import { pingHook } from './gates.ts';
import { closeSilently } from './disconnect.ts';
import { PHASE_TIMEOUT_MS } from './timeouts.ts';

export async function serveStatus(ctx: ConnectionContext, reader: ClientReader, server: LoadedServer | undefined, deps: StatusDeps): Promise<void> {
  ctx.phase = 'status';
  const hs = ctx.handshake!;
  if (server === undefined && deps.config().unknown_domain_behavior === 'drop') {
    deps.events.notify('ConnectionRejected', () => ({ conn: connectionRef(ctx), reason: 'unknown-domain' }));
    return closeSilently(ctx, reader);
  }
  // Exactly id 0x00 with an empty body: anything else (a 60 KB "request") is refused unanswered.
  decodeStatusRequest(await reader.nextPacket(PHASE_TIMEOUT_MS));
  const answer = server === undefined ? deps.status.forUnknownDomain(hs.protocolVersion) : await deps.status.forServer(server, hs);
  if (answer.error !== undefined) {
    ctx.log.debug({ server: server?.id, reason: (answer.error as Error).message }, 'backend status unavailable, answered with MOTD');
  }
  const json = await pingHook(ctx, server?.id, answer.json, deps.events);
  if (ctx.socket.destroyed) return;
  ctx.socket.write(encodeStatusResponse(json));
  const payload = decodePing(await reader.nextPacket(PHASE_TIMEOUT_MS));
  reader.release();
  ctx.socket.end(encodePong(payload));
}
