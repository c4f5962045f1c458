/**
 * A server switch of an intercepted player (issue 13), from one backend to another:
 *   ServerPreConnect (deny: the player stays, told why; ConnectTo honoured)
 *   backend-login.ts  the new backend's login while the player stays on the old one
 *   then the client moves, per era:
 *     1.20.2+   client-reconfigure.ts: Start Configuration, the client's acknowledgement, the
 *               new backend's configuration phase relayed, then play
 *     older     client-respawn.ts: the new backend's Join Game as the client accepts it
 *   the old backend is closed; ServerSwitch and ServerConnected fire.
 * A server that cannot be reached or refuses the player leaves them where they were, with a chat
 * message: the old backend is closed only once the new one has logged the player in.
 */
import type { PlayerResult } from '../../sdk/player.ts';
import type { LoadedServer } from '../config/index.ts';
import { isInfrarustError } from '../errors.ts';
import { encodeChatMessage } from '../protocol/packets/play-chat.ts';
import { encodeDisconnect } from '../protocol/packets/disconnect.ts';
import { PV } from '../protocol/packets/protocol-versions.ts';
import { BackendRefused, backendLogin, type BackendLogin } from './backend-login.ts';
import { playerRef } from './event-refs.ts';
import { serverPreConnect } from './gates.ts';
import type { InterceptedSession } from './intercepted-relay.ts';
import { LOGIN_STEP_TIMEOUT_MS } from './timeouts.ts';
import { isIntercepted } from './modes.ts';
import { closeOld, handOver, readJoinGame, type HandOver } from './backend-handover.ts';
import { reasonText } from './backend-join.ts';
import { IDLE_HANDLER, LIMBO_SERVER_ID, limboFromPlay } from './session-limbo.ts';

type Failure = Extract<PlayerResult, { ok: false }>;
const fail = (code: Failure['code'], message: string): Failure => ({ ok: false, code, message });


/** Moves the session's player to `serverId`; resolves once they are there or know why not. */
export async function switchServer(session: InterceptedSession, serverId: string): Promise<PlayerResult> {
  const { channel } = session;
  if (channel.closed) return fail('closed', 'the player has left');
  // In limbo the hold ends and the player goes to `serverId` (or back into a plain hold for `$limbo`).
  if (session.limboExit !== undefined) return serverId === LIMBO_SERVER_ID ? fail('already-connected', 'already in limbo') : session.limboExit(serverId);
  if (session.switching) return fail('busy', 'a server switch is already under way');
  if (channel.clientState !== 'play' || channel.serverState !== 'play') return fail('unsupported', `a switch needs the play state; the client is in ${channel.clientState}`);
  session.switching = true;
  let toLimbo: { handlers: readonly string[]; target: LoadedServer | undefined } | undefined;
  try {
    const r = await transition(session, serverId);
    if ('limbo' in r) toLimbo = r.limbo;
    else return r;
  } finally {
    session.switching = false;
  }
  const from = session.deps.serverById(channel.serverId);
  return limboFromPlay(session, { handlers: toLimbo.handlers, entry: { type: 'redirect', serverId: from?.id }, target: toLimbo.target ?? from });
}

/**
 * The `network` rule: a player may switch between two servers of the same network, and to or
 * from a server without one (as Infrarust v2 allows); never across two different networks.
 * @example crossesNetworks(lobby, survival) // 'main' vs 'event' → true
 */
export function crossesNetworks(from: LoadedServer | undefined, to: LoadedServer): boolean {
  return from?.network !== undefined && to.network !== undefined && from.network !== to.network;
}

type Transition = PlayerResult | { limbo: { handlers: readonly string[]; target: LoadedServer | undefined } };

async function transition(session: InterceptedSession, requested: string): Promise<Transition> {
  const { ctx, deps, channel } = session;
  if (requested === LIMBO_SERVER_ID) return { limbo: { handlers: [IDLE_HANDLER], target: undefined } };
  const gate = await serverPreConnect(ctx, requested, deps.events);
  if (gate.type === 'deny') return tell(session, fail('denied', gate.reason), `§c${gate.reason}`);
  const target = deps.serverById(gate.serverId);
  if (target === undefined) return tell(session, fail('unknown-server', `no server "${gate.serverId}"`), `§cThere is no server ${gate.serverId}.`);
  if (gate.limbo !== undefined) return { limbo: { handlers: gate.limbo.length > 0 ? gate.limbo : target.limbo_handlers, target } };
  if (target.id === channel.serverId) return tell(session, fail('already-connected', `already on "${target.id}"`), `§cYou are already connected to ${target.id}.`);
  if (!isIntercepted(target.proxy_mode)) {
    return tell(session, fail('unsupported', `server "${target.id}" is in ${target.proxy_mode} mode; a switch needs client_only or offline`), `§cYou cannot be sent to ${target.id} from here.`);
  }
  const from = deps.serverById(channel.serverId);
  if (crossesNetworks(from, target)) {
    return tell(session, fail('denied', `server "${target.id}" is in network "${target.network}", the player is in "${from?.network}"`), `§cYou cannot be sent to ${target.id} from here.`);
  }
  let login: BackendLogin;
  try {
    login = await backendLogin(ctx, target, session.client, session.identity.profile, deps, false);
  } catch (err) {
    return unreachable(session, target, err);
  }
  if (channel.closed) {
    login.backend.socket.destroy();
    return fail('closed', 'the player left during the switch');
  }
  const previous = channel.serverId;
  try {
    await moveClient(session, target, login);
  } catch (err) {
    login.backend.socket.destroy();
    ctx.log.debug({ server: target.id, reason: (err as Error).message }, 'server switch failed after the client left its server');
    channel.close(encodeDisconnect(channel.protocol, channel.clientState, '§cCould not switch servers.'));
    return fail('closed', `the switch failed: ${(err as Error).message}`);
  }
  deps.events.notify('ServerSwitch', () => ({ player: playerRef(ctx), previous, next: target.id }));
  session.announce(target, login, 'player switched server');
  // 1.20.2+: the new backend's configuration is being relayed; the player is "there" in play.
  if (!(await session.untilPlay(LOGIN_STEP_TIMEOUT_MS))) return fail('closed', 'the player left or did not reach play on the new server');
  return { ok: true };
}

/** Detaches the old backend and hands the client to the new one, in the way its era needs. */
async function moveClient(session: InterceptedSession, target: LoadedServer, login: BackendLogin): Promise<void> {
  const { client, protocol, channel } = session;
  if (protocol >= PV.V1_20_2) {
    const old = session.detach();
    channel.clientState = 'configuration';
    let start: HandOver;
    try {
      start = await handOver(client, protocol, login);
    } finally {
      closeOld(old);
    }
    session.attach(target, login, start.state, start.hooks);
    return;
  }
  const joinGame = await readJoinGame(login.backend, protocol);
  closeOld(session.detach());
  const start = await handOver(client, protocol, login, joinGame, session.leftovers?.clear());
  session.attach(target, login, start.state, start.hooks);
}

async function unreachable(session: InterceptedSession, target: LoadedServer, err: unknown): Promise<Failure> {
  const { ctx } = session;
  if (err instanceof BackendRefused) {
    ctx.log.info({ player: session.identity.profile.name, server: target.id }, 'backend refused the switch');
    return tell(session, fail('denied', `server "${target.id}" refused the player`), reasonText(err.reasonJson, target.id));
  }
  const code = isInfrarustError(err) ? err.code : (err as NodeJS.ErrnoException)?.code;
  ctx.log.info({ player: session.identity.profile.name, server: target.id, code, reason: (err as Error)?.message }, 'server switch: backend unreachable');
  return tell(session, fail('unreachable', `server "${target.id}" could not be reached`), `§cCould not connect to ${target.id}: the server is not reachable.`);
}

/** The player stays where they are and is told why. */
function tell(session: InterceptedSession, result: Failure, message: string): Failure {
  const packet = session.channel.clientState === 'play' ? encodeChatMessage(session.protocol, message) : undefined;
  if (packet !== undefined) session.channel.sendToClient(packet);
  return result;
}
