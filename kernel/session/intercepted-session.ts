/**
 * An intercepted session (`client_only`, `offline`): the table of contents of the path after
 * Login Start, one file per phase and direction.
 *   client-auth.ts       who the player is (encryption + authenticator, or offline UUID)
 *   (here)               Set Compression towards the client
 *   backend-login.ts     the backend's login (forwarding, plugin requests, compression)
 *   client-limbo.ts      a server with limbo_handlers: Login Success, the handler chain (the
 *                        limbo world on a hold), then the backend the chain chose
 *   (here)               Login Success to the client; Login Acknowledged on 1.20.2+
 *   client-play.ts       packets from the client: configuration and play, serverbound
 *   backend-play.ts      packets from the backend: configuration and play, clientbound
 *   backend-transition.ts  a server switch: the next backend's login, then the client moved by
 *                        client-reconfigure.ts (1.20.2+) or client-respawn.ts (older)
 * Encryption and compression are per side; failures end this session only.
 */
import type { LoadedServer } from '../config/index.ts';
import { isInfrarustError } from '../errors.ts';
import type { ClientReader } from '../net/client-reader.ts';
import { PacketConn } from '../net/packet-conn.ts';
import { dataTap } from '../net/transport-tap.ts';
import { dataProtocol } from '../protocol/ids/index.ts';
import { encodeLoginSuccess, encodeSetCompression } from '../protocol/packets/login-success.ts';
import { PacketWriter } from '../protocol/packet-writer.ts';
import { packetOf, PV } from '../protocol/packets/protocol-versions.ts';
import { legacyToJson } from '../../sdk/text.ts';
import { AuthRefused, clientIdentity, type ClientIdentity } from './client-auth.ts';
import { limboFirst } from './client-limbo.ts';
import { BackendRefused, backendLogin, type BackendLogin } from './backend-login.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { InterceptedDeps } from './deps.ts';
import { connectionRef } from './event-refs.ts';
import { rejectLogin } from './disconnect.ts';
import { startRelays } from './intercepted-relay.ts';
import { sessionActions } from './session-actions.ts';
import { LOGIN_STEP_TIMEOUT_MS } from './timeouts.ts';

const LOGIN_ACKNOWLEDGED_ID = 0x03;

export async function interceptedSession(ctx: ConnectionContext, reader: ClientReader, server: LoadedServer, deps: InterceptedDeps): Promise<void> {
  const protocol = ctx.handshake!.protocolVersion;
  if (dataProtocol(protocol) === undefined) {
    ctx.log.info({ server: server.id, protocol }, 'client version unknown to the proxy; intercepted modes need its packet ids');
    return rejectLogin(ctx, reader, '§cThis Minecraft version is not supported by the proxy.');
  }
  const tap = dataTap(ctx.transport);
  const client = new PacketConn(ctx.socket, { incoming: tap === undefined ? undefined : (c) => tap.clientData(c), validateCompression: true, peer: 'client' });
  client.unshift(reader.handOver());
  ctx.socket.resume();
  let login: BackendLogin | undefined;
  /** Which side the login is waiting on: a backend that fails mid-login gets the player a reason. */
  let stage: 'client' | 'backend' = 'client';
  try {
    const online = (ctx.authOverride ?? (server.proxy_mode === 'offline' ? 'offline' : 'online')) === 'online';
    const identity = await clientIdentity(ctx, client, online, deps);
    ctx.username = identity.profile.name;
    ctx.uuid = identity.profile.uuid;
    const threshold = deps.config().compression_threshold;
    if (protocol >= PV.V1_8 && threshold >= 0) {
      client.send(encodeSetCompression(threshold));
      client.threshold = threshold;
    }
    if (server.limbo_handlers.length > 0 || ctx.limboOverride !== undefined) return await afterLimbo(ctx, client, server, identity, deps);
    stage = 'backend';
    login = await backendLogin(ctx, server, client, identity.profile, deps);
    stage = 'client';
    client.send(encodeLoginSuccess(identity.profile, protocol));
    if (protocol >= PV.V1_20_2) {
      const ack = await client.read(LOGIN_STEP_TIMEOUT_MS, 'Login Acknowledged');
      if (ack[0] !== LOGIN_ACKNOWLEDGED_ID) throw new Error(`expected Login Acknowledged, got packet 0x${ack[0].toString(16)}`);
      login.backend.send(ack);
    }
    ctx.phase = 'relay';
    startRelays(ctx, server, client, login, identity, deps, sessionActions);
  } catch (err) {
    login?.backend.socket.destroy(); // logged in at the backend, but the client's side failed
    refuse(ctx, client, server, err, deps, stage);
  }
}

/** The limbo chain, then the backend (client-limbo.ts); past Login Success a failure just closes. */
async function afterLimbo(ctx: ConnectionContext, client: PacketConn, server: LoadedServer, identity: ClientIdentity, deps: InterceptedDeps): Promise<void> {
  try {
    await limboFirst(ctx, client, server, identity, deps);
  } catch (err) {
    ctx.log.debug({ player: ctx.username, server: server.id, reason: (err as Error)?.message }, 'intercepted login ended in limbo');
    client.socket.destroy();
  }
}

/** Ends the login with the reason the player should see, logged at the level it deserves. */
function refuse(ctx: ConnectionContext, client: PacketConn, server: LoadedServer, err: unknown, deps: InterceptedDeps, stage: 'client' | 'backend'): void {
  const player = ctx.username;
  if (err instanceof AuthRefused) {
    ctx.log.info({ player, server: server.id, reason: err.message }, 'online authentication failed');
    return kick(client, legacyToJson(err.playerReason));
  }
  if (err instanceof BackendRefused) {
    ctx.log.info({ player, server: server.id }, 'backend refused the login');
    return kick(client, err.reasonJson);
  }
  const code = isInfrarustError(err) ? err.code : undefined;
  if (code === 'IR_ERR_SESSION_BACKEND_ONLINE') {
    ctx.log.warn({ player, server: server.id, reason: (err as Error).message }, 'backend is in online mode');
    return kick(client, legacyToJson('§cThe server behind the proxy is in online mode; it must be set to offline mode and use forwarding.'));
  }
  if (code === undefined && (err as NodeJS.ErrnoException)?.code !== undefined && !ctx.socket.destroyed && client.failed === undefined) {
    ctx.log.warn({ player, server: server.id, reason: (err as Error).message }, 'no backend reachable');
    deps.events.notify('ConnectionRejected', () => ({ conn: connectionRef(ctx), reason: 'backend-unreachable' }));
    return kick(client, legacyToJson(server.disconnect_message));
  }
  ctx.log.debug({ player, code, stage, reason: (err as Error)?.message }, 'intercepted login ended');
  // The backend broke the protocol or stalled: the player, still in the login state, is told.
  if (stage === 'backend' && client.failed === undefined && !ctx.socket.destroyed) return kick(client, legacyToJson(server.disconnect_message));
  client.socket.destroy();
}

function kick(client: PacketConn, json: string): void {
  if (client.failed === undefined) client.queue(packetOf(0x00, new PacketWriter(json.length + 8).string(json).toBuffer()));
  client.end();
}
