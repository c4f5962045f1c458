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

/** `auth` is PreLogin's ForceOnline/ForceOffline, which intercepted sessions honour per player. */
export type LoginOutcome = { type: 'allow'; serverId: string; auth?: 'online' | 'offline' } | { type: 'deny'; reason: string };

/**
 * PreLogin then ServerPreConnect (both access events, fail closed). PreLogin's ForceOnline /
 * ForceOffline are passed on for intercepted sessions; in passthrough the backend authenticates,
 * so there they mean allow. SendToLimbo is logged and treated as allow until the limbo engine exists; ConnectTo is
 * honoured (the anchor ignores it on the initial connect).
 */
export function loginGates(ctx: ConnectionContext, serverId: string, events: EventBus): LoginOutcome | Promise<LoginOutcome> {
  if (events.listenerCount('PreLogin') === 0) return serverPreConnect(ctx, serverId, events);
  const fired = events.dispatch('PreLogin', { player: playerRef(ctx), serverId });
  if (fired instanceof Promise) return fired.then((pre) => afterPreLogin(ctx, serverId, events, pre));
  return afterPreLogin(ctx, serverId, events, fired);
}

function afterPreLogin(ctx: ConnectionContext, serverId: string, events: EventBus, pre: EventMap['PreLogin']): LoginOutcome | Promise<LoginOutcome> {
  if (pre.result?.type === 'denied') return { type: 'deny', reason: pre.result.reason };
  const auth = pre.result?.type === 'force-online' ? 'online' : pre.result?.type === 'force-offline' ? 'offline' : undefined;
  if (auth === undefined) return serverPreConnect(ctx, serverId, events);
  const next = serverPreConnect(ctx, serverId, events);
  return next instanceof Promise ? next.then((o) => withAuth(o, auth)) : withAuth(next, auth);
}

function withAuth(outcome: LoginOutcome, auth: 'online' | 'offline'): LoginOutcome {
  return outcome.type === 'allow' ? { ...outcome, auth } : outcome;
}

export function serverPreConnect(ctx: ConnectionContext, serverId: string, events: EventBus): LoginOutcome | Promise<LoginOutcome> {
  if (events.listenerCount('ServerPreConnect') === 0) return { type: 'allow', serverId };
  const fired = events.dispatch('ServerPreConnect', { player: playerRef(ctx), serverId });
  return fired instanceof Promise ? fired.then((e) => connectOutcome(ctx, serverId, e)) : connectOutcome(ctx, serverId, fired);
}

function connectOutcome(ctx: ConnectionContext, serverId: string, event: EventMap['ServerPreConnect']): LoginOutcome {
  const r = event.result;
  if (r?.type === 'denied') return { type: 'deny', reason: r.reason };
  if (r?.type === 'connect-to') return { type: 'allow', serverId: r.server };
  if (r?.type === 'send-to-limbo') ctx.log.warn({ server: serverId }, 'ServerPreConnect asked for limbo, which passthrough mode cannot do; connecting normally');
  return { type: 'allow', serverId };
}
