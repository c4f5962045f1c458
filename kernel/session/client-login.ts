/**
 * The client's login start: read Login Start, then ask PreLogin and ServerPreConnect which
 * server (if any) the player may join. What happens next depends on the server's proxy mode:
 * passthrough relays bytes (backend-passthrough.ts); intercepted modes will log in to the
 * backend themselves (first holding the player in limbo when a SendToLimbo result asked for it).
 * The client's bytes stay held (not read further) until then.
 */
import type { LoadedServer } from '../config/index.ts';
import type { ClientReader } from '../net/client-reader.ts';
import { decodeLoginStart } from '../protocol/packets/login.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { LoginDeps } from './deps.ts';
import { connectionRef } from './event-refs.ts';
import { loginGates } from './gates.ts';
import { isIntercepted } from './modes.ts';
import { rejectLogin } from './disconnect.ts';
import { PHASE_TIMEOUT_MS } from './timeouts.ts';

/** Resolves the server to join, or undefined when the login was refused (already ended). */
export async function clientLogin(ctx: ConnectionContext, reader: ClientReader, routed: LoadedServer, deps: LoginDeps): Promise<LoadedServer | undefined> {
  ctx.phase = 'login';
  const loginStart = decodeLoginStart(await reader.nextPacket(PHASE_TIMEOUT_MS), ctx.handshake!.protocolVersion);
  reader.hold();
  ctx.username = loginStart.name;
  ctx.uuid = loginStart.uuid;
  ctx.chatKey = loginStart.chatKey;
  const asked = loginGates(ctx, routed.id, deps.events);
  const gate = asked instanceof Promise ? await asked : asked;
  if (gate.type === 'deny') {
    deps.events.notify('ConnectionRejected', () => ({ conn: connectionRef(ctx), reason: 'plugin-denied' }));
    rejectLogin(ctx, reader, gate.reason);
    return undefined;
  }
  const server = gate.serverId === routed.id ? routed : deps.serverById(gate.serverId);
  if (server === undefined) {
    ctx.log.warn({ server: gate.serverId }, 'ServerPreConnect named a server that does not exist');
    rejectLogin(ctx, reader, routed.disconnect_message);
    return undefined;
  }
  ctx.serverId = server.id;
  ctx.authOverride = gate.auth;
  if (gate.limbo !== undefined) {
    if (isIntercepted(server.proxy_mode)) ctx.limboOverride = gate.limbo;
    else ctx.log.warn({ server: server.id, mode: server.proxy_mode }, 'a plugin asked to send the player to limbo, which needs proxy_mode client_only or offline; connecting normally');
  }
  return server;
}
