/** The status phase: answer the status request (ProxyPing may rewrite it), then the ping, then close. */
import type { LoadedServer } from '../config/index.ts';
import type { ClientReader } from '../net/client-reader.ts';
import { decodePing, encodePong, encodeStatusResponse } from '../protocol/packets/status.ts';
import { InfrarustError } from '../errors.ts';
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
  const request = await reader.nextPacket(PHASE_TIMEOUT_MS);
  if (request[0] !== 0x00) throw unexpected('status request', request[0]);
  const answer = server === undefined ? deps.status.forUnknownDomain(hs.protocolVersion) : await deps.status.forServer(server, hs);
  if (answer.error !== undefined) {
    ctx.log.debug({ server: server?.id, reason: (answer.error as Error).message }, 'backend status unavailable, answered with MOTD');
  }
  const json = await pingHook(ctx, server?.id, answer.json, deps.events);
  if (ctx.socket.destroyed) return;
  ctx.socket.write(encodeStatusResponse(json));
  const ping = await reader.nextPacket(PHASE_TIMEOUT_MS);
  if (ping[0] !== 0x01) throw unexpected('ping', ping[0]);
  reader.release();
  ctx.socket.end(encodePong(decodePing(ping)));
}

function unexpected(what: string, id: number | undefined): InfrarustError {
  return new InfrarustError('IR_ERR_PROTO_UNEXPECTED_PACKET', `expected a ${what}, got packet id ${id}`);
}
