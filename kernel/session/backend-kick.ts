/**
 * A backend ends an intercepted player's stay on it: it kicks them (a disconnect packet in
 * configuration or play, taken out of the stream by `kickHook`) or its connection ends. Instead
 * of losing the player, KickedFromServer fires with the reason (legacy `§` text) and its result
 * decides, as in Velocity:
 *   (default)         the first server of the kicking server's `fallback` list that takes the
 *                     player, the reason in chat; none (or no list): disconnected with the reason
 *   DisconnectPlayer  disconnected with that reason
 *   RedirectTo        that server, the reason in chat; if it fails, disconnected with the reason
 *   Notify            disconnected with that message (there is no server left to stay on)
 *   SendToLimbo       the limbo world (session-limbo.ts) with those handlers, or the kicking
 *                     server's `limbo_handlers`; entry `kicked`; accept goes back to that server
 * The default result is the event's initial `result` (RedirectTo the first fallback, or
 * DisconnectPlayer), so listeners see it. ServerPreConnect fires for each server tried. A kick
 * that arrives during a server switch is relayed as before (the player is leaving that server).
 */
import { disconnectPlayer, redirectTo } from '../../sdk/results.ts';
import type { EventMap } from '../../sdk/events.ts';
import { kernelIds } from '../protocol/ids/index.ts';
import { decodeDisconnectReason, encodeDisconnect } from '../protocol/packets/disconnect.ts';
import { encodeChatMessage } from '../protocol/packets/play-chat.ts';
import { joinDetached } from './backend-join.ts';
import { playerRef } from './event-refs.ts';
import { serverPreConnect } from './gates.ts';
import type { InterceptedSession } from './intercepted-relay.ts';
import { isIntercepted } from './modes.ts';
import { LOGIN_STEP_TIMEOUT_MS } from './timeouts.ts';
import type { PacketHook } from './packet-hooks.ts';
import { LIMBO_SERVER_ID, limboFromPlay } from './session-limbo.ts';

/** What the player reads when the backend's connection ends without a disconnect packet. */
export const CONNECTION_LOST_REASON = '§cLost connection to the server.';

/**
 * Takes a backend's disconnect packets (configuration and play) out of the stream and hands the
 * reason to `onKick`; during a switch they pass.
 */
export function kickHook(session: InterceptedSession, onKick: (reason: string) => void): PacketHook {
  const ids = kernelIds(session.protocol);
  return {
    name: 'backend-kick',
    ids: (_p, state, direction) => {
      if (direction !== 'clientbound') return [];
      const id = state === 'play' ? ids.play.cb.kickDisconnect : ids.config.cb.disconnect;
      return id >= 0 ? [id] : [];
    },
    handle(channel, _state, _direction, packet) {
      if (session.switching || channel.closed) return undefined;
      onKick(decodeDisconnectReason(session.protocol, packet, 'Disconnected'));
      return null;
    },
  };
}

/** The kicked player's way on: KickedFromServer, then a fallback, limbo, or the door. */
export async function afterKick(session: InterceptedSession, serverId: string, reason: string): Promise<void> {
  const { ctx, deps, channel } = session;
  const kicking = deps.serverById(serverId);
  const fallbacks = (kicking?.fallback ?? []).filter((id) => id !== serverId);
  ctx.log.info({ player: session.identity.profile.name, server: serverId, reason, fallbacks }, 'kicked from the server');
  const initial: EventMap['KickedFromServer']['result'] = fallbacks.length > 0 ? redirectTo(fallbacks[0]) : disconnectPlayer(reason);
  const event = await deps.events.dispatch('KickedFromServer', { player: playerRef(ctx), serverId, reason, result: initial });
  if (channel.closed) return;
  const result = event.result ?? initial;
  switch (result.type) {
    case 'disconnect':
      return close(session, result.reason);
    case 'notify':
      return close(session, result.message);
    case 'send-to-limbo': {
      const handlers = result.handlers ?? kicking?.limbo_handlers ?? [];
      await limboFromPlay(session, { handlers, entry: { type: 'kicked', serverId, reason }, target: kicking });
      return;
    }
    case 'redirect': {
      const candidates = result === initial ? fallbacks : [result.server];
      if (!(await tryServers(session, candidates, serverId, reason)) && !channel.closed) close(session, reason);
      return;
    }
  }
}

/** Tries `candidates` in order; true once the player is on one (the kick reason in their chat). */
async function tryServers(session: InterceptedSession, candidates: readonly string[], from: string, reason: string): Promise<boolean> {
  const { ctx, deps, channel } = session;
  for (const id of candidates) {
    if (channel.closed) return false;
    const gate = await serverPreConnect(ctx, id, deps.events);
    if (gate.type === 'deny') continue;
    const target = deps.serverById(gate.serverId);
    if (target === undefined || target.id === from || target.id === LIMBO_SERVER_ID || !isIntercepted(target.proxy_mode)) {
      ctx.log.warn({ server: gate.serverId, from }, 'fallback server does not exist or is not client_only/offline; skipped');
      continue;
    }
    if (gate.limbo !== undefined) {
      await limboFromPlay(session, { handlers: gate.limbo.length > 0 ? gate.limbo : target.limbo_handlers, entry: { type: 'kicked', serverId: from, reason }, target });
      return true;
    }
    const joined = await joinDetached(session, target, { inWorld: false, line: 'player sent to a fallback server' });
    if (joined.ok) {
      deps.events.notify('ServerSwitch', () => ({ player: playerRef(ctx), previous: from, next: target.id }));
      // The reason goes out once the client is in play there (1.20.2+: after the configuration).
      if (!(await session.untilPlay(LOGIN_STEP_TIMEOUT_MS))) return true;
      const chat = encodeChatMessage(session.protocol, `§cYou were disconnected from ${from}: §r${reason}`);
      if (chat !== undefined) channel.sendToClient(chat);
      return true;
    }
    if (joined.code === 'closed') return false;
  }
  return false;
}

function close(session: InterceptedSession, reason: string): void {
  session.channel.close(encodeDisconnect(session.protocol, session.channel.clientState, reason));
}
