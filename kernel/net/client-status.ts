/** The status phase: answer the status request, then the ping, then close. */
import type { LoadedServer } from '../config/index.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { ClientReader } from './client-reader.ts';
import type { ConnectionDeps } from './handle-connection.ts';
import { decodePing, encodePong, encodeStatusResponse } from '../protocol/packets/status.ts';
import { InfrarustError } from '../errors.ts';
import { PHASE_TIMEOUT_MS } from './timeouts.ts';
import { pingHook } from './plugin-hooks.ts';

export async function serveStatus(
  ctx: ConnectionContext,
  reader: ClientReader,
  server: LoadedServer | undefined,
  deps: ConnectionDeps,
): Promise<void> {
  ctx.phase = 'status';
  const hs = ctx.handshake!;
  if (server === undefined && deps.config().unknown_domain_behavior === 'drop') {
    deps.events.emit('connection.rejected', { conn: ctx, reason: 'unknown-domain' });
    reader.release();
    ctx.socket.destroy();
    return;
  }
  const request = await reader.nextPacket(PHASE_TIMEOUT_MS);
  if (request[0] !== 0x00) throw unexpected('status request', request[0]);
  const answer = server === undefined ? deps.status.forUnknownDomain(hs.protocolVersion) : await deps.status.forServer(server, hs);
  if (answer.error !== undefined) {
    ctx.log.debug({ server: server?.id, reason: (answer.error as Error).message }, 'backend status unavailable, answered with MOTD');
  }
  const json = await pingHook(ctx, server?.id, answer.json, deps.plugins.events);
  if (ctx.socket.destroyed) return;
  ctx.socket.write(encodeStatusResponse(json));
  deps.events.emit('status.served', { conn: ctx, source: answer.source });
  const ping = await reader.nextPacket(PHASE_TIMEOUT_MS);
  if (ping[0] !== 0x01) throw unexpected('ping', ping[0]);
  reader.release();
  ctx.socket.end(encodePong(decodePing(ping)));
}

function unexpected(what: string, id: number | undefined): InfrarustError {
  return new InfrarustError('IR_ERR_PROTO_UNEXPECTED_PACKET', `expected a ${what}, got packet id ${id}`);
}
