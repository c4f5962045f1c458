/**
 * The passthrough login path (also zero_copy and server_only for now): read Login Start, dial
 * the backend addresses in order, replay the client's exact bytes (handshake rewritten only when
 * `domain_rewrite` asks), then relay raw bytes both ways. Encryption and compression pass
 * through untouched. No backend: a Login Disconnect carrying `disconnect_message`.
 */
import type { LoadedServer } from '../config/index.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { ClientReader } from './client-reader.ts';
import type { ConnectionDeps } from './handle-connection.ts';
import { decodeLoginStart, encodeLoginDisconnect } from '../protocol/packets/login.ts';
import { encodeHandshake } from '../protocol/packets/handshake.ts';
import { readVarInt } from '../protocol/varint.ts';
import { legacyToJson } from '../../sdk/text.ts';
import { connectToBackend, type BackendAddress } from './backend-connect.ts';
import { backendHandshakeAddress, needsRewrite } from './domain-rewrite.ts';
import { connectTimeout } from '../status/status-service.ts';
import { relay } from './relay.ts';
import { PHASE_TIMEOUT_MS } from './timeouts.ts';
import { loginGates } from './plugin-hooks.ts';
import { withProxyHeader } from './proxy-header.ts';
import { dataTap } from './transport-tap.ts';

export async function passthroughLogin(
  ctx: ConnectionContext,
  reader: ClientReader,
  routed: LoadedServer,
  deps: ConnectionDeps,
): Promise<void> {
  ctx.phase = 'login';
  const hs = ctx.handshake!;
  const loginStart = decodeLoginStart(await reader.nextPacket(PHASE_TIMEOUT_MS), hs.protocolVersion);
  reader.hold();
  ctx.username = loginStart.name;
  ctx.uuid = loginStart.uuid;
  deps.events.emit('login.start', ctx);
  const asked = loginGates(ctx, routed.id, deps.plugins.events);
  const gate = asked instanceof Promise ? await asked : asked;
  if (gate.type === 'deny') {
    deps.events.emit('connection.rejected', { conn: ctx, reason: 'plugin-denied' });
    return rejectLogin(ctx, reader, gate.reason);
  }
  const server = gate.serverId === routed.id ? routed : deps.serverById(gate.serverId);
  if (server === undefined) {
    ctx.log.warn({ server: gate.serverId }, 'ServerPreConnect named a server that does not exist');
    return rejectLogin(ctx, reader, routed.disconnect_message);
  }
  ctx.serverId = server.id;

  const config = deps.config();
  let backend;
  try {
    backend = await connectToBackend(server.addresses, {
      timeoutMs: connectTimeout(server, config),
      client: ctx.socket,
      keepAliveMs: config.keepalive.time,
      onFailure: (address, cause) =>
        ctx.log.debug({ server: server.id, backend: `${address.host}:${address.port}`, reason: (cause as Error).message }, 'backend address failed'),
    });
  } catch (err) {
    if (ctx.socket.destroyed) {
      reader.release();
      return;
    }
    ctx.log.warn({ server: server.id, player: loginStart.name, reason: (err as Error).message }, 'no backend reachable');
    deps.events.emit('connection.rejected', { conn: ctx, reason: 'backend-unreachable' });
    return rejectLogin(ctx, reader, server.disconnect_message);
  }

  const bytes = reader.release();
  const replay = needsRewrite(server) ? rewriteHandshake(bytes, ctx, server, backend.address) : bytes;
  backend.socket.write(withProxyHeader(ctx, server, replay));
  ctx.phase = 'relay';
  const target = `${backend.address.host}:${backend.address.port}`;
  deps.events.emit('backend.connected', { conn: ctx, backend: target });
  // Same fields as the child logger's line, without keeping a child alive for every idle relay.
  deps.log.info({ conn: ctx.id, player: loginStart.name, server: server.id, backend: target }, 'player connected');
  relay(ctx.socket, backend.socket, dataTap(ctx.transport));
  ctx.socket.resume();
}

/** Sends a Login Disconnect with a legacy-formatted reason and closes once it is flushed. */
export function rejectLogin(ctx: ConnectionContext, reader: ClientReader, reason: string): void {
  reader.release();
  ctx.socket.end(encodeLoginDisconnect(legacyToJson(reason)));
  ctx.socket.setTimeout(5_000, () => ctx.socket.destroy());
}

/** Replaces the first frame (the handshake) and keeps every following byte as the client sent it. */
function rewriteHandshake(bytes: Buffer, ctx: ConnectionContext, server: LoadedServer, backend: BackendAddress): Buffer {
  const hs = ctx.handshake!;
  const prefix = readVarInt(bytes, 0)!;
  const rest = bytes.subarray(prefix.size + prefix.value);
  const nextState = hs.intent === 'transfer' ? 3 : 2;
  const address = backendHandshakeAddress(server, hs, backend);
  return Buffer.concat([encodeHandshake({ protocolVersion: hs.protocolVersion, address, port: hs.port, nextState }), rest]);
}
