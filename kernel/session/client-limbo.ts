/**
 * A server with `limbo_handlers`, or a login a SendToLimbo result sent to limbo (issue 12): after
 * the client's login (Login Success, and Login Acknowledged on 1.20.2+) the proxy runs the
 * handler chain (kernel/limbo/handler-chain.ts) before any backend is dialled. Only a hold shows
 * the limbo world; the chain decides.
 *   accept    → the server's backend, through leaveLimboFor
 *   redirect  → that server's backend instead (its own limbo_handlers are not run)
 *   deny      → kicked with the reason, in the state the client is in
 * Proxy commands typed while held run first (limboCommandLine: no CommandExecute, no logging).
 * leaveLimboFor joins a client held by the proxy (in the limbo world, or just past its login) to
 * a backend: the same hand-over as a server switch (backend-handover.ts) when the world was
 * shown, the first join's relays otherwise. Players of a running session are sent to limbo by
 * session-limbo.ts.
 */
import type { LimboEntry, LimboPlayer } from '../../sdk/limbo.ts';
import type { Text } from '../../sdk/player.ts';
import type { LoadedServer } from '../config/index.ts';
import { runLimboChain } from '../limbo/handler-chain.ts';
import type { PacketConn } from '../net/packet-conn.ts';
import { encodeDisconnect } from '../protocol/packets/disconnect.ts';
import { encodeLoginSuccess } from '../protocol/packets/login-success.ts';
import { PV } from '../protocol/packets/protocol-versions.ts';
import { BackendRefused, backendLogin, type BackendLogin } from './backend-login.ts';
import { handOver } from './backend-handover.ts';
import { sessionActions } from './session-actions.ts';
import { LIMBO_SERVER_ID } from './session-limbo.ts';
import { isIntercepted } from './modes.ts';
import type { PlayerChannel } from './player-channel.ts';
import { encodeChatMessage } from '../protocol/packets/play-chat.ts';
import { componentToLegacy } from '../../sdk/text.ts';
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

/** Holds in a row for one join (an unreachable backend with limbo_handlers holds the player again). */
const MAX_ROUNDS = 5;

/**
 * Login Success, the limbo chain, then the backend the chain chose (or a kick). The handlers are
 * the server's `limbo_handlers`, or those a SendToLimbo result at login named
 * (`ctx.limboOverride`, entry `redirect`). A backend that cannot be reached while the server has
 * limbo_handlers holds the player again (entry `kicked`) as long as the chain held them.
 */
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
  const override = ctx.limboOverride;
  let handlers = override !== undefined && override.length > 0 ? override : server.limbo_handlers;
  let entry: LimboEntry = override !== undefined ? { type: 'redirect', serverId: server.id } : { type: 'initial', serverId: server.id };
  let target = server;
  let inWorld = false;
  const channel = new HeldChannel(ctx, client, identity);
  const reply = (text: string): void => {
    const packet = encodeChatMessage(protocol, text);
    if (packet !== undefined && text !== '') client.send(packet);
  };
  for (let round = 1; ; round++) {
    const outcome = await runLimboChain({
      client,
      protocol,
      clientState,
      inWorld,
      handlers,
      registry: deps.limbo,
      player: limboPlayer(ctx, identity),
      entry,
      log: ctx.log,
      onCommand: (line) => deps.limboCommand(channel, line, reply),
    });
    if (outcome.type === 'closed') return void client.socket.destroy();
    inWorld ||= outcome.worldSent;
    const held: HeldState = inWorld ? 'limbo' : clientState;
    if (outcome.type === 'deny') return kick(client, protocol, held, outcome.reason);
    if (outcome.type === 'redirect') {
      const next = deps.serverById(outcome.server);
      if (next === undefined || !isIntercepted(next.proxy_mode)) {
        ctx.log.warn({ server: outcome.server }, 'a limbo handler redirected to a server that does not exist or is not client_only/offline');
        return kick(client, protocol, held, server.disconnect_message);
      }
      target = next;
    }
    const left = await leaveLimboFor(ctx, client, held, target, identity, deps);
    if (left.type !== 'unreachable') return;
    const again = target.limbo_handlers.length > 0 && round < MAX_ROUNDS && (round === 1 || outcome.held);
    if (!again) return kick(client, protocol, held, left.reason);
    handlers = target.limbo_handlers;
    entry = { type: 'kicked', serverId: target.id, reason: componentToLegacy(left.reason) };
  }
}

type Left = { type: 'joined' | 'ended' } | { type: 'unreachable'; reason: Text };

/**
 * Joins a client the proxy holds (past its login, or in the limbo world) to `server`'s backend.
 * A backend that refuses the player kicks them with its reason; one that cannot be reached is
 * left to the caller (`unreachable`, with the reason to show), the client untouched.
 */
export async function leaveLimboFor(ctx: ConnectionContext, client: PacketConn, held: HeldState, server: LoadedServer, identity: ClientIdentity, deps: InterceptedDeps): Promise<Left> {
  const protocol = ctx.handshake!.protocolVersion;
  let login: BackendLogin;
  try {
    login = await backendLogin(ctx, server, client, identity.profile, deps, false);
  } catch (err) {
    if (err instanceof BackendRefused) {
      ctx.log.info({ player: ctx.username, server: server.id }, 'backend refused the login');
      kick(client, protocol, held, JSON.parse(err.reasonJson) as Text);
      return { type: 'ended' };
    }
    ctx.log.warn({ player: ctx.username, server: server.id, reason: (err as Error)?.message }, 'no backend reachable after limbo');
    deps.events.notify('ConnectionRejected', () => ({ conn: connectionRef(ctx), reason: 'backend-unreachable' }));
    return { type: 'unreachable', reason: server.disconnect_message };
  }
  let first: FirstRelays = {};
  try {
    if (held === 'limbo') first = await handOver(client, protocol, login);
    else if (held === 'configuration') login.backend.send(loginAcknowledged(protocol));
  } catch (err) {
    login.backend.socket.destroy();
    ctx.log.debug({ server: server.id, reason: (err as Error).message }, 'leaving limbo failed');
    client.socket.destroy();
    return { type: 'ended' };
  }
  if (client.failed !== undefined || ctx.socket.destroyed) {
    login.backend.socket.destroy();
    return { type: 'ended' };
  }
  startRelays(ctx, server, client, login, identity, deps, sessionActions, first);
  return { type: 'joined' };
}

function limboPlayer(ctx: ConnectionContext, identity: ClientIdentity): LimboPlayer {
  return { ...playerRef(ctx), profile: identity.profile, verified: identity.verified };
}

/**
 * The player as proxy commands see them while held before any backend (permissions, replies):
 * in the limbo world, on the pseudo-server `$limbo`. A class: an object literal with a getter
 * is a dictionary-mode object per held player (bench/limbo.ts heap diff).
 */
class HeldChannel implements PlayerChannel {
  readonly connectionId: number;
  readonly protocol: number;
  readonly profile: ClientIdentity['profile'];
  readonly verified: boolean;
  readonly remoteAddress: string;
  readonly serverId = LIMBO_SERVER_ID;
  readonly clientState = 'play';
  readonly serverState = 'play';

  constructor(
    ctx: ConnectionContext,
    private readonly client: PacketConn,
    identity: ClientIdentity,
  ) {
    this.connectionId = ctx.id;
    this.protocol = ctx.handshake!.protocolVersion;
    this.profile = identity.profile;
    this.verified = identity.verified;
    this.remoteAddress = ctx.remoteAddress;
  }

  get closed(): boolean {
    return this.client.failed !== undefined || this.client.socket.destroyed;
  }

  sendToClient(packet: Buffer): void {
    this.client.send(packet);
  }

  sendToServer(): void {}

  close(finalPacket?: Buffer): void {
    if (finalPacket !== undefined && this.client.failed === undefined) this.client.queue(finalPacket);
    this.client.end();
  }
}

function kick(client: PacketConn, protocol: number, held: HeldState, reason: Text): void {
  const packet = encodeDisconnect(protocol, held === 'limbo' ? 'play' : held, reason);
  if (packet !== undefined && client.failed === undefined) client.queue(packet);
  client.end();
}
