/**
 * Pre-netty logins (0x02, Minecraft ≤ 1.6): route by the host the client sends, then pipe the
 * connection through unchanged. Unknown hosts and dead backends get a legacy 0xFF kick.
 */
import type { ConnectionContext } from './connection-context.ts';
import type { ClientReader } from './client-reader.ts';
import type { ConnectionDeps } from './handle-connection.ts';
import { parseLegacyLoginHandshake, type LegacyLogin } from '../protocol/legacy-login.ts';
import { encodeLegacyKick } from '../protocol/legacy-ping.ts';
import { stripLegacy } from '../../sdk/text.ts';
import { connectToBackend } from './backend-connect.ts';
import { connectTimeout } from '../status/status-service.ts';
import { relay } from './relay.ts';
import { HANDSHAKE_TIMEOUT_MS } from './timeouts.ts';
import { handshakeGate } from './plugin-hooks.ts';
import { withProxyHeader } from './proxy-header.ts';
import { dataTap } from './transport-tap.ts';

async function readLegacyLogin(reader: ClientReader): Promise<LegacyLogin> {
  const deadline = Date.now() + HANDSHAKE_TIMEOUT_MS;
  for (;;) {
    const parsed = parseLegacyLoginHandshake(reader.bytes());
    if (parsed !== 'incomplete') return parsed;
    await reader.waitForData(deadline - Date.now());
  }
}

export async function relayLegacyLogin(ctx: ConnectionContext, reader: ClientReader, deps: ConnectionDeps): Promise<void> {
  const login = await readLegacyLogin(reader);
  reader.hold();
  const host = login.host.toLowerCase();
  ctx.phase = 'login';
  ctx.username = login.username;
  ctx.handshake = { protocolVersion: login.protocol ?? 0, rawAddress: login.host, host, port: login.port, intent: 'legacy-login' };
  deps.events.emit('connection.handshake', ctx);
  const server = deps.routes().resolve(host);
  ctx.serverId = server?.id;
  const gate = await handshakeGate(ctx, deps.plugins.events);
  if (gate.type !== 'allow') {
    deps.events.emit('connection.rejected', { conn: ctx, reason: 'plugin-denied' });
    reader.release();
    if (gate.type === 'drop') return void ctx.socket.destroy();
    return void ctx.socket.end(encodeLegacyKick(stripLegacy(gate.reason)));
  }
  if (server === undefined) {
    deps.events.emit('connection.rejected', { conn: ctx, reason: 'unknown-domain' });
    reader.release();
    if (deps.config().unknown_domain_behavior === 'drop') return void ctx.socket.destroy();
    return void ctx.socket.end(encodeLegacyKick('There is no server at this address.'));
  }
  ctx.serverId = server.id;
  deps.events.emit('connection.routed', ctx);
  let backend;
  try {
    backend = await connectToBackend(server.addresses, { timeoutMs: connectTimeout(server, deps.config()) });
  } catch {
    reader.release();
    deps.events.emit('connection.rejected', { conn: ctx, reason: 'backend-unreachable' });
    return void ctx.socket.end(encodeLegacyKick(stripLegacy(server.disconnect_message)));
  }
  backend.socket.write(withProxyHeader(ctx, server, reader.release()));
  ctx.phase = 'relay';
  deps.log.info({ conn: ctx.id, player: login.username, server: server.id, legacy: true }, 'player connected');
  relay(ctx.socket, backend.socket, dataTap(ctx.transport));
  ctx.socket.resume();
}
