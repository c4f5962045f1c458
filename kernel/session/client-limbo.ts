/**
 * A server with `limbo_handlers` (issue 12): after the client's login (Login Success, and Login
 * Acknowledged on 1.20.2+) the proxy runs the handler chain (kernel/limbo/handler-chain.ts)
 * before any backend is dialled. Only a hold shows the limbo world; the chain decides.
 *   accept    → the server's backend, through leaveLimboFor
 *   redirect  → that server's backend instead (its own limbo_handlers are not run)
 *   deny      → kicked with the reason, in the state the client is in
 * leaveLimboFor joins a client held by the proxy (in the limbo world, or just past its login) to
 * a backend: the same hand-over as a server switch (backend-transition.ts) when the world was
 * shown, the first join's relays otherwise.
 */
import type { LimboPlayer } from '../../sdk/limbo.ts';
import type { Text } from '../../sdk/player.ts';
import type { LoadedServer } from '../config/index.ts';
import { runLimboChain } from '../limbo/handler-chain.ts';
import type { PacketConn } from '../net/packet-conn.ts';
import { encodeDisconnect } from '../protocol/packets/disconnect.ts';
import { encodeLoginSuccess } from '../protocol/packets/login-success.ts';
import { PV } from '../protocol/packets/protocol-versions.ts';
import { BackendRefused, backendLogin, type BackendLogin } from './backend-login.ts';
import { handOver, switchServer } from './backend-transition.ts';
import type { ClientIdentity } from './client-auth.ts';
import { loginAcknowledged } from './client-reconfigure.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { InterceptedDeps } from './deps.ts';
import { connectionRef, playerRef } from './event-refs.ts';
import { startRelays, type FirstRelays } from './intercepted-relay.ts';
import { LOGIN_STEP_TIMEOUT_MS } from './timeouts.ts';

const LOGIN_ACKNOWLEDGED_ID = 0x03;

/** Where the client is when it leaves the proxy: just past login (in that state), or in the limbo world. */
export type HeldState = 'configuration' | 'play' | 'limbo';

/** Login Success, the limbo chain, then the backend the chain chose (or a kick). */
export async function limboFirst(ctx: ConnectionContext, client: PacketConn, server: LoadedServer, identity: ClientIdentity, deps: InterceptedDeps): Promise<void> {
  const protocol = ctx.handshake!.protocolVersion;
  client.send(encodeLoginSuccess(identity.profile, protocol));
  let clientState: 'configuration' | 'play' = 'play';
  if (protocol >= PV.V1_20_2) {
    const ack = await client.read(LOGIN_STEP_TIMEOUT_MS, 'Login Acknowledged');
    if (ack[0] !== LOGIN_ACKNOWLEDGED_ID) throw new Error(`expected Login Acknowledged, got packet 0x${ack[0].toString(16)}`);
    clientState = 'configuration';
  }
  ctx.phase = 'relay';
  const outcome = await runLimboChain({
    client,
    protocol,
    clientState,
    handlers: server.limbo_handlers,
    registry: deps.limbo,
    player: limboPlayer(ctx, identity),
    entry: { type: 'initial', serverId: server.id },
    log: ctx.log,
  });
  if (outcome.type === 'closed') return void client.socket.destroy();
  const held: HeldState = outcome.worldSent ? 'limbo' : clientState;
  if (outcome.type === 'deny') return kick(client, protocol, held, outcome.reason);
  let target = server;
  if (outcome.type === 'redirect') {
    const next = deps.serverById(outcome.server);
    if (next === undefined) {
      ctx.log.warn({ server: outcome.server }, 'a limbo handler redirected to a server that does not exist');
      return kick(client, protocol, held, server.disconnect_message);
    }
    target = next;
  }
  await leaveLimboFor(ctx, client, held, target, identity, deps);
}

/**
 * Joins a client the proxy holds (past its login, or in the limbo world) to `server`'s backend.
 * A backend that cannot be reached or refuses the player: they are kicked with the reason (there
 * is no server to stay on).
 */
export async function leaveLimboFor(ctx: ConnectionContext, client: PacketConn, held: HeldState, server: LoadedServer, identity: ClientIdentity, deps: InterceptedDeps): Promise<void> {
  const protocol = ctx.handshake!.protocolVersion;
  let login: BackendLogin;
  try {
    login = await backendLogin(ctx, server, client, identity.profile, deps, false);
  } catch (err) {
    return unreachable(ctx, client, held, server, err, deps);
  }
  let first: FirstRelays = {};
  try {
    if (held === 'limbo') first = await handOver(client, protocol, login);
    else if (held === 'configuration') login.backend.send(loginAcknowledged(protocol));
  } catch (err) {
    login.backend.socket.destroy();
    ctx.log.debug({ server: server.id, reason: (err as Error).message }, 'leaving limbo failed');
    return void client.socket.destroy();
  }
  if (client.failed !== undefined || ctx.socket.destroyed) return void login.backend.socket.destroy();
  startRelays(ctx, server, client, login, identity, deps, switchServer, first);
}

function limboPlayer(ctx: ConnectionContext, identity: ClientIdentity): LimboPlayer {
  return { ...playerRef(ctx), profile: identity.profile, verified: identity.verified };
}

function unreachable(ctx: ConnectionContext, client: PacketConn, held: HeldState, server: LoadedServer, err: unknown, deps: InterceptedDeps): void {
  const protocol = ctx.handshake!.protocolVersion;
  if (err instanceof BackendRefused) {
    ctx.log.info({ player: ctx.username, server: server.id }, 'backend refused the login');
    return kick(client, protocol, held, JSON.parse(err.reasonJson) as Text);
  }
  ctx.log.warn({ player: ctx.username, server: server.id, reason: (err as Error)?.message }, 'no backend reachable after limbo');
  deps.events.notify('ConnectionRejected', () => ({ conn: connectionRef(ctx), reason: 'backend-unreachable' }));
  kick(client, protocol, held, server.disconnect_message);
}

function kick(client: PacketConn, protocol: number, held: HeldState, reason: Text): void {
  const packet = encodeDisconnect(protocol, held === 'limbo' ? 'play' : held, reason);
  if (packet !== undefined && client.failed === undefined) client.queue(packet);
  client.end();
}
