/**
 * The decisions the phases ask plugins for (access and resulted events on the EventBus). Each
 * gate checks first whether anyone listens, so a proxy without plugins pays one map lookup per
 * phase and builds no event; the gates answer without a promise while every listener is synchronous.
 */
import type { ConnectionContext } from './connection-context.ts';
import type { EventBus } from '../layers/event-bus.ts';
import type { EventMap, PingResponse } from '../../sdk/events.ts';
import { connectionRef, playerRef } from './event-refs.ts';

export type GateOutcome = { type: 'allow' } | { type: 'deny'; reason: string } | { type: 'drop' };

const ALLOW: GateOutcome = Object.freeze({ type: 'allow' });

/**
 * ConnectionHandshake (access, after routing): allow, deny with a reason, or drop silently.
 * Synchronous while the listeners are (callers `await` only a promise).
 */
export function handshakeGate(ctx: ConnectionContext, events: EventBus): GateOutcome | Promise<GateOutcome> {
  if (events.listenerCount('ConnectionHandshake') === 0) return ALLOW;
  const hs = ctx.handshake!;
  const intent = hs.intent === 'legacy-ping' || hs.intent === 'legacy-login' ? 'legacy' : hs.intent;
  const fired = events.dispatch('ConnectionHandshake', { conn: connectionRef(ctx), domain: hs.host, serverId: ctx.serverId, protocolVersion: hs.protocolVersion, intent });
  return fired instanceof Promise ? fired.then(handshakeOutcome) : handshakeOutcome(fired);
}

function handshakeOutcome(event: EventMap['ConnectionHandshake']): GateOutcome {
  const r = event.result;
  if (r?.type === 'denied') return { type: 'deny', reason: r.reason };
  if (r?.type === 'drop-silently') return { type: 'drop' };
  return ALLOW;
}

/** ProxyPing (resulted): plugins may rewrite the response; unparsable backend JSON is left alone. */
export async function pingHook(ctx: ConnectionContext, serverId: string | undefined, json: string, events: EventBus): Promise<string> {
  if (events.listenerCount('ProxyPing') === 0) return json;
  let response: PingResponse;
  try {
    response = JSON.parse(json) as PingResponse;
  } catch {
    return json;
  }
  const event = await events.fire('ProxyPing', { conn: connectionRef(ctx), domain: ctx.handshake?.host ?? '', serverId, response });
  return JSON.stringify(event.response);
}

/**
 * `auth` is PreLogin's ForceOnline/ForceOffline, which intercepted sessions honour per player.
 * `limbo`: a SendToLimbo result asked to hold the player in the proxy's limbo first, with these
 * handlers (empty: the server's own `limbo_handlers`); only intercepted sessions can.
 */
export type LoginOutcome =
  | { type: 'allow'; serverId: string; auth?: 'online' | 'offline'; limbo?: readonly string[] }
  | { type: 'deny'; reason: string };

type Allow = Extract<LoginOutcome, { type: 'allow' }>;

/**
 * PreLogin, PlayerChooseInitialServer, then ServerPreConnect (PreLogin and ServerPreConnect are
 * access events and fail closed). PreLogin's ForceOnline / ForceOffline are passed on for
 * intercepted sessions; in passthrough the backend authenticates, so there they mean allow.
 * PlayerChooseInitialServer's RedirectTo picks another server (ServerPreConnect then asks about
 * that one); SendToLimbo from either event holds the player in limbo first (intercepted modes;
 * passthrough logs it and connects). ConnectTo is honoured (the anchor ignores it on the initial
 * connect). Each step is synchronous while its listeners are.
 */
export function loginGates(ctx: ConnectionContext, serverId: string, events: EventBus): LoginOutcome | Promise<LoginOutcome> {
  if (events.listenerCount('PreLogin') === 0) return chooseThenConnect(ctx, serverId, events, undefined);
  const fired = events.dispatch('PreLogin', { player: playerRef(ctx), serverId });
  if (fired instanceof Promise) return fired.then((pre) => afterPreLogin(ctx, serverId, events, pre));
  return afterPreLogin(ctx, serverId, events, fired);
}

function afterPreLogin(ctx: ConnectionContext, serverId: string, events: EventBus, pre: EventMap['PreLogin']): LoginOutcome | Promise<LoginOutcome> {
  if (pre.result?.type === 'denied') return { type: 'deny', reason: pre.result.reason };
  const auth = pre.result?.type === 'force-online' ? 'online' : pre.result?.type === 'force-offline' ? 'offline' : undefined;
  return chooseThenConnect(ctx, serverId, events, auth);
}

function chooseThenConnect(ctx: ConnectionContext, serverId: string, events: EventBus, auth: 'online' | 'offline' | undefined): LoginOutcome | Promise<LoginOutcome> {
  const then = (chosen: { serverId: string; limbo?: readonly string[] }): LoginOutcome | Promise<LoginOutcome> => {
    const next = serverPreConnect(ctx, chosen.serverId, events);
    const finish = (o: LoginOutcome): LoginOutcome => (o.type === 'allow' ? withExtras(o, auth, chosen.limbo) : o);
    return next instanceof Promise ? next.then(finish) : finish(next);
  };
  if (events.listenerCount('PlayerChooseInitialServer') === 0) return then({ serverId });
  const fired = events.dispatch('PlayerChooseInitialServer', { player: playerRef(ctx), serverId });
  const chosen = (e: EventMap['PlayerChooseInitialServer']): { serverId: string; limbo?: readonly string[] } => {
    const r = e.result;
    if (r?.type === 'redirect') return { serverId: r.server };
    if (r?.type === 'send-to-limbo') return { serverId, limbo: r.handlers ?? [] };
    return { serverId };
  };
  return fired instanceof Promise ? fired.then((e) => then(chosen(e))) : then(chosen(fired));
}

function withExtras(outcome: Allow, auth: 'online' | 'offline' | undefined, limbo: readonly string[] | undefined): Allow {
  if (auth === undefined && (limbo === undefined || outcome.limbo !== undefined)) return outcome;
  return { ...outcome, ...(auth === undefined ? {} : { auth }), ...(outcome.limbo === undefined && limbo !== undefined ? { limbo } : {}) };
}

/** ServerPreConnect for `serverId` (initial join or a switch): deny, ConnectTo, SendToLimbo. */
export function serverPreConnect(ctx: ConnectionContext, serverId: string, events: EventBus): LoginOutcome | Promise<LoginOutcome> {
  if (events.listenerCount('ServerPreConnect') === 0) return { type: 'allow', serverId };
  const fired = events.dispatch('ServerPreConnect', { player: playerRef(ctx), serverId });
  return fired instanceof Promise ? fired.then((e) => connectOutcome(serverId, e)) : connectOutcome(serverId, fired);
}

function connectOutcome(serverId: string, event: EventMap['ServerPreConnect']): LoginOutcome {
  const r = event.result;
  if (r?.type === 'denied') return { type: 'deny', reason: r.reason };
  if (r?.type === 'connect-to') return { type: 'allow', serverId: r.server };
  if (r?.type === 'send-to-limbo') return { type: 'allow', serverId, limbo: r.handlers ?? [] };
  return { type: 'allow', serverId };
}
