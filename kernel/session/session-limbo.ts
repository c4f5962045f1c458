/**
 * A player of a running session held in the proxy's limbo world (issue 12's entry points after
 * the first join): KickedFromServer answered SendToLimbo, ServerPreConnect of a switch answered
 * SendToLimbo, a plugin called `player.switchServer('$limbo')` (a hold without a handler, until
 * `switchServer(<server>)` moves the player on), or the server the player goes to is unreachable
 * and has `limbo_handlers`.
 *   - The current backend is detached and closed; the chain runs (kernel/limbo/handler-chain.ts)
 *     and renders the world over the old one when a handler holds: 1.20.2+ back through the
 *     configuration state, older versions with the dimension-change sequence (client-respawn.ts)
 *     after the old server's boss bars are removed.
 *   - accept → `visit.target` (the server the player came from or was going to), redirect → that
 *     server (ServerPreConnect asks first), deny → disconnected with the reason. Leaving uses the
 *     hand-over of a switch (backend-join.ts).
 *   - A target that cannot be reached and has limbo_handlers holds the player again with those
 *     (entry `kicked`, the reason the connection error), at most MAX_ROUNDS times and only while
 *     the chain held the player; else they are disconnected with the reason.
 * While in limbo the player is on the pseudo-server `$limbo`; Player.switchServer(id) ends the
 * hold with a redirect to `id`; chat and titles reach them as usual.
 */
import type { LimboEntry, LimboHandler } from '../../sdk/limbo.ts';
import { hold } from '../../sdk/limbo.ts';
import type { PlayerResult } from '../../sdk/player.ts';
import type { LoadedServer } from '../config/index.ts';
import { runLimboChain, type HandlerLookup } from '../limbo/handler-chain.ts';
import { sendLimboWorld } from '../limbo/world.ts';
import { encodeDisconnect } from '../protocol/packets/disconnect.ts';
import { encodeChatMessage } from '../protocol/packets/play-chat.ts';
import { PV } from '../protocol/packets/protocol-versions.ts';
import { closeOld } from './backend-handover.ts';
import { joinDetached } from './backend-join.ts';
import { reconfigureClient } from './client-reconfigure.ts';
import { switchPackets } from './client-respawn.ts';
import { playerRef } from './event-refs.ts';
import { serverPreConnect } from './gates.ts';
import type { InterceptedSession } from './intercepted-relay.ts';
import { isIntercepted } from './modes.ts';
import { LOGIN_STEP_TIMEOUT_MS } from './timeouts.ts';

/** The pseudo-server id of the proxy's limbo: `player.switchServer('$limbo')`, `Player.serverId` while held. */
export const LIMBO_SERVER_ID = '$limbo';
/** The handler of a plain hold (`switchServer('$limbo')`): holds until the player is moved or leaves. */
export const IDLE_HANDLER = '$limbo';
/** Holds in a row for one visit (unreachable targets with limbo_handlers). */
const MAX_ROUNDS = 5;

const idleHandler: LimboHandler = { name: IDLE_HANDLER, onPlayerEnter: () => hold() };

export interface LimboVisit {
  /** Handler names to run (`$limbo`: a plain hold). */
  readonly handlers: readonly string[];
  readonly entry: LimboEntry;
  /** Where the chain's accept sends the player; undefined: nowhere, the player is disconnected. */
  readonly target: LoadedServer | undefined;
}

type Failure = Extract<PlayerResult, { ok: false }>;
const fail = (code: Failure['code'], message: string): Failure => ({ ok: false, code, message });

/**
 * Holds the session's player in limbo for `visit`, then joins the server the chain chose.
 * Resolves once the player is on a server, or with why not (then they were disconnected).
 */
export async function limboFromPlay(session: InterceptedSession, visit: LimboVisit): Promise<PlayerResult> {
  const { channel, ctx } = session;
  closeOld(session.detach());
  const previous = channel.serverId;
  channel.serverId = LIMBO_SERVER_ID;
  ctx.serverId = LIMBO_SERVER_ID;
  session.switching = true;
  let settle!: (r: PlayerResult) => void;
  const arrival = new Promise<PlayerResult>((resolve) => (settle = resolve));
  const exits = new ExitRequests();
  session.limboExit = (serverId) => {
    const target = session.deps.serverById(serverId);
    if (target === undefined) return Promise.resolve(fail('unknown-server', `no server "${serverId}"`));
    if (!isIntercepted(target.proxy_mode)) return Promise.resolve(fail('unsupported', `server "${serverId}" is in ${target.proxy_mode} mode`));
    exits.request(serverId);
    return arrival;
  };
  try {
    const result = await visitLoop(session, visit, previous, exits);
    settle(result);
    return result;
  } finally {
    session.limboExit = undefined;
    session.switching = false;
  }
}

/** Player.switchServer while held: one pending request per chain run. */
class ExitRequests {
  #resolve: ((serverId: string) => void) | undefined;
  next(): Promise<string> {
    return new Promise((resolve) => (this.#resolve = resolve));
  }
  request(serverId: string): void {
    this.#resolve?.(serverId);
    this.#resolve = undefined;
  }
}

async function visitLoop(session: InterceptedSession, visit: LimboVisit, previous: string, exits: ExitRequests): Promise<PlayerResult> {
  const { ctx, deps, channel, client, protocol } = session;
  const registry = withIdle(deps.limbo);
  const player = { ...playerRef(ctx), profile: session.identity.profile, verified: session.identity.verified };
  const reply = (text: string): void => {
    const packet = encodeChatMessage(protocol, text);
    if (packet !== undefined && text !== '') channel.sendToClient(packet);
  };
  let { handlers, entry, target } = visit;
  let inWorld = false;
  for (let round = 1; ; round++) {
    const outcome = await runLimboChain({
      client,
      protocol,
      clientState: 'play',
      inWorld,
      render: () => renderOver(session),
      handlers,
      registry,
      player,
      entry,
      log: ctx.log,
      onCommand: (line) => deps.limboCommand(channel, line, reply),
      exit: exits.next(),
    });
    if (outcome.type === 'closed') {
      channel.finish(undefined);
      return fail('closed', 'the player left limbo');
    }
    inWorld ||= outcome.worldSent;
    if (outcome.type === 'deny') return disconnect(session, fail('denied', outcome.reason), outcome.reason);
    const requested = outcome.type === 'redirect' ? outcome.server : target?.id;
    if (requested === undefined) return disconnect(session, fail('unknown-server', 'no server to go to after limbo'), '§cThere is no server to join.');
    const gate = await serverPreConnect(ctx, requested, deps.events);
    if (gate.type === 'deny') return disconnect(session, fail('denied', gate.reason), gate.reason);
    const next = deps.serverById(gate.serverId);
    if (next === undefined || !isIntercepted(next.proxy_mode)) {
      ctx.log.warn({ server: gate.serverId }, 'a limbo handler or plugin sent the player to a server that does not exist or is not intercepted');
      return disconnect(session, fail('unknown-server', `no server "${gate.serverId}" to join from limbo`), '§cThere is no server to join.');
    }
    if (gate.limbo !== undefined && round < MAX_ROUNDS) {
      handlers = gate.limbo.length > 0 ? gate.limbo : next.limbo_handlers;
      entry = { type: 'redirect', serverId: next.id };
      target = next;
      continue;
    }
    const joined = await joinDetached(session, next, { inWorld, line: 'player left limbo for a server' });
    if (joined.ok) {
      deps.events.notify('ServerSwitch', () => ({ player: playerRef(ctx), previous, next: next.id }));
      // 1.20.2+: the new backend's configuration is being relayed; the player is "there" in play.
      return (await session.untilPlay(LOGIN_STEP_TIMEOUT_MS)) ? { ok: true } : fail('closed', 'the player left or did not reach play on the new server');
    }
    if (joined.code === 'closed') return fail('closed', joined.message);
    const again = joined.code === 'unreachable' && next.limbo_handlers.length > 0 && round < MAX_ROUNDS && (round === 1 || outcome.held);
    if (!again) return disconnect(session, fail(joined.code, joined.message), joined.playerReason);
    handlers = next.limbo_handlers;
    entry = { type: 'kicked', serverId: next.id, reason: joined.playerReason };
    target = next;
  }
}

/** The limbo world over whatever the client shows now (a backend's world, or configuration on 1.20.2+). */
async function renderOver(session: InterceptedSession): Promise<void> {
  const { client, protocol, channel } = session;
  if (protocol >= PV.V1_20_2) {
    if (channel.clientState === 'play') {
      channel.clientState = 'configuration';
      await reconfigureClient(client, protocol);
    }
    await sendLimboWorld(client, protocol, 'configuration');
  } else {
    await sendLimboWorld(client, protocol, 'play', { before: session.leftovers?.clear(), replaceJoin: (join) => switchPackets(protocol, join) });
  }
  channel.clientState = 'play';
  channel.serverState = 'play';
}

/** The limbo registry plus the plain hold under `$limbo`. */
function withIdle(registry: HandlerLookup): HandlerLookup {
  return {
    get: (name) => (name === IDLE_HANDLER ? idleHandler : registry.get(name)),
    ownerOf: (name) => (name === IDLE_HANDLER ? 'infrarust' : registry.ownerOf(name)),
  };
}

function disconnect(session: InterceptedSession, result: Failure, reason: string): Failure {
  session.channel.close(encodeDisconnect(session.protocol, session.channel.clientState, reason));
  return result;
}
