/**
 * The passthrough backend (also zero_copy and server_only): dial the server's addresses
 * in the order the balancer gives (routing/backend-pools.ts), replay the client's exact bytes (handshake rewritten only when `domain_rewrite` asks,
 * behind a PROXY header when `send_proxy_protocol` asks), then relay raw bytes both ways
 * (net/relay-select.ts: the native addon dials and splices when it is loaded, else JS dials and
 * relays). The replay is prepared here either way.
 * Encryption and compression pass through untouched. No backend: a Login Disconnect carrying
 * `disconnect_message`.
 */
import { connectTimeout, type LoadedServer } from '../config/index.ts';
import type { BackendAddress } from '../net/backend-connect.ts';
import type { ClientReader } from '../net/client-reader.ts';
import { withProxyHeader } from '../net/proxy-header.ts';
import { dialAndRelay, type Replay } from '../net/relay-select.ts';
import { dataTap } from '../net/transport-tap.ts';
import { encodeHandshake, splitForgeMarker } from '../protocol/packets/handshake.ts';
import { readVarInt } from '../protocol/varint.ts';
import { backendHandshakeAddress, needsRewrite } from '../routing/domain-rewrite.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { PassthroughDeps } from './deps.ts';
import { connectionRef, playerRef } from './event-refs.ts';
import { rejectLogin } from './disconnect.ts';
import { createPassthroughPlayer } from './player-handle.ts';
import { effectiveForwarding } from './forwarding/mode.ts';
import { bungeeCordAddress } from './forwarding/bungeecord.ts';
import { forwardedAddress } from './forwarding/address.ts';
import { unverifiedProfile } from './offline-identity.ts';

export async function backendPassthrough(ctx: ConnectionContext, reader: ClientReader, server: LoadedServer, deps: PassthroughDeps): Promise<void> {
  const config = deps.config();
  const forwarding = effectiveForwarding(server, config);
  let token: string | undefined;
  if (forwarding === 'bungee_guard') {
    try {
      token = await deps.forwardingSecret();
    } catch (err) {
      ctx.log.error({ server: server.id, reason: (err as Error).message }, 'forwarding secret unavailable; login refused');
      return rejectLogin(ctx, reader, server.disconnect_message);
    }
  }
  const bytes = reader.release();
  const bungee = forwarding === 'bungee_cord' || forwarding === 'bungee_guard';
  const rewrite = needsRewrite(server) || bungee;
  const replay: Replay = Object.assign(
    (address: BackendAddress) => withProxyHeader(ctx, server, rewrite ? rewriteHandshake(bytes, ctx, server, address, bungee ? { services: deps.services, token } : undefined) : bytes),
    // Only `from_backend` puts the dialled address in the handshake.
    { sameForAll: server.domain_rewrite.type !== 'from_backend' },
  );
  const dial = deps.backends.dial(server);
  let connected;
  try {
    connected = await dialAndRelay(ctx.socket, dial.addresses, {
      timeoutMs: connectTimeout(server, config),
      client: ctx.socket,
      keepAliveMs: config.keepalive.time,
      onFailure: (address, cause) => {
        ctx.log.debug({ server: server.id, backend: `${address.host}:${address.port}`, reason: (cause as Error).message }, 'backend address failed');
        if (!ctx.socket.destroyed) dial.failed(address, cause); // a client that left is no backend's fault
      },
    }, replay, dataTap(ctx.transport));
  } catch (err) {
    if (ctx.socket.destroyed || ctx.socket.writableEnded) return; // the client left, or was sent away, while we dialled
    ctx.log.warn({ server: server.id, player: ctx.username, reason: (err as Error).message }, 'no backend reachable');
    deps.events.notify('ConnectionRejected', () => ({ conn: connectionRef(ctx), reason: 'backend-unreachable' }));
    return rejectLogin(ctx, reader, server.disconnect_message);
  }
  ctx.phase = 'relay';
  dial.connected(connected.address, ctx.socket); // counted until the relayed client's socket closes
  const target = `${connected.address.host}:${connected.address.port}`;
  deps.events.notify('ServerConnected', () => ({ player: playerRef(ctx), serverId: server.id, backend: target }));
  // Same fields as the child logger's line, without keeping a child alive for every idle relay.
  deps.log.info({ conn: ctx.id, player: ctx.username, server: server.id, backend: target }, 'player connected');
  deps.players.add(createPassthroughPlayer(ctx)); // removed by the proxy when the socket closes
}

/**
 * Replaces the first frame (the handshake) and keeps every following byte as the client sent it.
 * With BungeeCord/BungeeGuard forwarding the address carries the player's IP and an unverified
 * profile (nobody authenticated a passthrough player: only for backends that trust this proxy).
 */
function rewriteHandshake(bytes: Buffer, ctx: ConnectionContext, server: LoadedServer, backend: BackendAddress, bungee: { services: PassthroughDeps['services']; token: string | undefined } | undefined): Buffer {
  const hs = ctx.handshake!;
  const prefix = readVarInt(bytes, 0)!;
  const rest = bytes.subarray(prefix.size + prefix.value);
  const nextState = hs.intent === 'transfer' ? 3 : 2;
  const rewritten = backendHandshakeAddress(server, hs.rawAddress, backend);
  const address = bungee === undefined
    ? rewritten
    : bungeeCordAddress(splitForgeMarker(rewritten).host, forwardedAddress(ctx.remoteAddress), unverifiedProfile(bungee.services, ctx.username!, ctx.uuid), bungee.token);
  return Buffer.concat([encodeHandshake({ protocolVersion: hs.protocolVersion, address, port: hs.port, nextState }), rest]);
}
