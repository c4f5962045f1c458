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
import type { PacketConn } from '../net/packet-conn.ts';
import { kernelIds } from '../protocol/ids/index.ts';
import { encodeChatMessage } from '../protocol/packets/play-chat.ts';
import { encodeDisconnect } from '../protocol/packets/disconnect.ts';
import { PV } from '../protocol/packets/protocol-versions.ts';
import { readVarInt } from '../protocol/varint.ts';
import { BackendRefused, backendLogin, type BackendLogin } from './backend-login.ts';
import { loginAcknowledged, reconfigureClient } from './client-reconfigure.ts';
import { switchPackets } from './client-respawn.ts';
import { playerRef } from './event-refs.ts';
import { serverPreConnect } from './gates.ts';
import type { InterceptedSession } from './intercepted-relay.ts';
import type { PacketHook } from './packet-hooks.ts';
import type { RelayState } from './packet-relay.ts';
import { LOGIN_STEP_TIMEOUT_MS } from './timeouts.ts';
import { isIntercepted } from './modes.ts';

type Failure = Extract<PlayerResult, { ok: false }>;
const fail = (code: Failure['code'], message: string): Failure => ({ ok: false, code, message });


/** Moves the session's player to `serverId`; resolves once they are there or know why not. */
export async function switchServer(session: InterceptedSession, serverId: string): Promise<PlayerResult> {
  const { channel } = session;
  if (channel.closed) return fail('closed', 'the player has left');
  if (session.switching) return fail('busy', 'a server switch is already under way');
  if (channel.clientState !== 'play' || channel.serverState !== 'play') return fail('unsupported', `a switch needs the play state; the client is in ${channel.clientState}`);
  session.switching = true;
  try {
    return await transition(session, serverId);
  } finally {
    session.switching = false;
  }
}

async function transition(session: InterceptedSession, requested: string): Promise<PlayerResult> {
  const { ctx, deps, channel } = session;
  const gate = await serverPreConnect(ctx, requested, deps.events);
  if (gate.type === 'deny') return tell(session, fail('denied', gate.reason), `§c${gate.reason}`);
  const target = deps.serverById(gate.serverId);
  if (target === undefined) return tell(session, fail('unknown-server', `no server "${gate.serverId}"`), `§cThere is no server ${gate.serverId}.`);
  if (target.id === channel.serverId) return tell(session, fail('already-connected', `already on "${target.id}"`), `§cYou are already connected to ${target.id}.`);
  if (!isIntercepted(target.proxy_mode)) {
    return tell(session, fail('unsupported', `server "${target.id}" is in ${target.proxy_mode} mode; a switch needs client_only or offline`), `§cYou cannot be sent to ${target.id} from here.`);
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

export interface HandOver {
  /** The state both relays start in. */
  readonly state: RelayState;
  /** Hooks the relays run besides the kernel's. */
  readonly hooks: PacketHook[];
}

/**
 * Moves a client that is in play on something else (an old backend, the proxy's limbo world) to
 * `login.backend`, which has just logged the player in: 1.20.2+ through the configuration state,
 * older versions through the new Join Game (`joinGame`, when the caller already read it), after
 * `clearFirst` (the old backend's boss bars removed).
 */
export async function handOver(client: PacketConn, protocol: number, login: BackendLogin, joinGame?: JoinGame, clearFirst: Buffer[] = []): Promise<HandOver> {
  if (protocol >= PV.V1_20_2) {
    await reconfigureClient(client, protocol);
    login.backend.send(loginAcknowledged(protocol));
    return { state: 'configuration', hooks: [] };
  }
  const join = joinGame ?? (await readJoinGame(login.backend, protocol));
  for (const packet of [...clearFirst, ...switchPackets(protocol, join.joinGame), ...join.others]) client.queue(packet);
  client.flush();
  return { state: 'play', hooks: [keepAliveGuard(protocol)] };
}

interface JoinGame {
  joinGame: Buffer;
  others: Buffer[];
}

/** The new backend's packets up to its Join Game (pre-1.20.2 backends send it first). */
async function readJoinGame(backend: PacketConn, protocol: number): Promise<JoinGame> {
  const joinId = kernelIds(protocol).play.cb.login;
  const others: Buffer[] = [];
  for (;;) {
    const packet = await backend.read(LOGIN_STEP_TIMEOUT_MS, 'Join Game');
    if (readVarInt(packet, 0)?.value === joinId) return { joinGame: packet, others };
    if (others.length >= 256) throw new Error('the new backend sent 256 packets before its Join Game');
    others.push(packet);
  }
}

function closeOld(old: PacketConn): void {
  old.onEnd = undefined;
  old.socket.destroy();
}

/**
 * Before 1.20.2 the client may still answer a keep-alive of the old server after the switch; a
 * vanilla server kicks for an answer it did not ask for. The client's keep-alives are dropped
 * until the new backend has sent one.
 */
function keepAliveGuard(protocol: number): PacketHook {
  const ids = kernelIds(protocol).play;
  let asked = false;
  return {
    name: 'switch-keepalive-guard',
    ids: (_p, state, direction) => (state !== 'play' || asked ? [] : [direction === 'clientbound' ? ids.cb.keepAlive : ids.sb.keepAlive]),
    handle(_channel, _state, direction) {
      if (direction === 'clientbound') asked = true;
      return direction === 'serverbound' && !asked ? null : undefined;
    },
  };
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

function reasonText(json: string, serverId: string): string {
  try {
    const parsed = JSON.parse(json) as unknown;
    const text = typeof parsed === 'string' ? parsed : (parsed as { text?: string }).text;
    if (typeof text === 'string' && text !== '') return `§cCould not connect to ${serverId}: ${text}`;
  } catch {
    // not JSON: fall through
  }
  return `§cCould not connect to ${serverId}.`;
}

/** The player stays where they are and is told why. */
function tell(session: InterceptedSession, result: Failure, message: string): Failure {
  const packet = session.channel.clientState === 'play' ? encodeChatMessage(session.protocol, message) : undefined;
  if (packet !== undefined) session.channel.sendToClient(packet);
  return result;
}
