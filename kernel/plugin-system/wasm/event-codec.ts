/**
 * Events across the WIT boundary: the payload is JSON of the sdk's `EventMap[name]` (functions
 * and binary fields left out); what the guest decides comes back as an `event-outcome` and is
 * turned into the sdk's result values. A malformed outcome is a guest fault (IR_ERR_WASM_GUEST).
 */
import type { EventMap, EventName, PingResponse } from '../../../sdk/events.ts';
import { InfrarustError } from '../../errors.ts';

/** Largest JSON a guest may hand back for a ping response or a string in a result. */
export const MAX_OUTCOME_CHARS = 64 * 1024;

export interface WitEvent {
  name: string;
  payload: string;
}

export function toWitEvent(name: EventName, event: EventMap[EventName]): WitEvent {
  return { name, payload: JSON.stringify(event, (_k, v: unknown) => (typeof v === 'function' || v instanceof Uint8Array ? undefined : typeof v === 'bigint' ? Number(v) : v)) };
}

type Tagged = { tag: string; val?: unknown };

/** The result cases each event accepts (sdk/events.ts `result?:` types). */
const RESULTS: Partial<Record<EventName, readonly string[]>> = {
  ConnectionHandshake: ['allowed', 'denied', 'drop-silently'],
  PreLogin: ['allowed', 'denied', 'force-offline', 'force-online'],
  PlayerChooseInitialServer: ['allowed', 'redirect', 'send-to-limbo'],
  ServerPreConnect: ['allowed', 'connect-to', 'send-to-limbo', 'denied'],
  KickedFromServer: ['disconnect', 'redirect', 'send-to-limbo', 'notify'],
  ChatMessage: ['allowed', 'denied', 'modify'],
  CommandExecute: ['allowed', 'denied'],
};

/**
 * Applies an outcome to `event` (ProxyPing's response is changed in place, as a native listener
 * does) and returns the sdk result to hand the event bus, or undefined for "unchanged".
 */
export function applyOutcome(label: string, name: EventName, event: EventMap[EventName], outcome: unknown): unknown {
  const o = outcome as Tagged | null;
  if (o === null || typeof o !== 'object' || typeof o.tag !== 'string') throw malformed(label, name, 'not an event-outcome');
  if (o.tag === 'unchanged') return undefined;
  if (o.tag === 'response') {
    if (name !== 'ProxyPing') throw malformed(label, name, '`response` is only for ProxyPing');
    applyPing(label, (event as EventMap['ProxyPing']).response, o.val);
    return undefined;
  }
  if (o.tag !== 'result') throw malformed(label, name, `unknown outcome ${o.tag}`);
  const r = o.val as Tagged | null;
  if (r === null || typeof r !== 'object' || typeof r.tag !== 'string') throw malformed(label, name, 'not an event-result');
  if (!(RESULTS[name] ?? []).includes(r.tag)) throw malformed(label, name, `${name} takes no result ${r.tag}`);
  return toSdkResult(label, name, r);
}

function toSdkResult(label: string, name: EventName, r: Tagged): unknown {
  const text = (): string => {
    if (typeof r.val !== 'string' || r.val.length > MAX_OUTCOME_CHARS) throw malformed(label, name, `${r.tag} needs a string of at most ${MAX_OUTCOME_CHARS} characters`);
    return r.val;
  };
  switch (r.tag) {
    case 'denied': return { type: 'denied', reason: text() };
    case 'disconnect': return { type: 'disconnect', reason: text() };
    case 'connect-to': return { type: 'connect-to', server: text() };
    case 'redirect': return { type: 'redirect', server: text() };
    case 'notify': return { type: 'notify', message: text() };
    case 'modify': return { type: 'modify', value: text() };
    case 'send-to-limbo': {
      const handlers = Array.isArray(r.val) && r.val.every((h) => typeof h === 'string') ? (r.val as string[]) : undefined;
      return { type: 'send-to-limbo', handlers: handlers !== undefined && handlers.length > 0 ? handlers : undefined };
    }
    default: return { type: r.tag };
  }
}

function applyPing(label: string, response: PingResponse, json: unknown): void {
  if (typeof json !== 'string' || json.length > MAX_OUTCOME_CHARS) throw malformed(label, 'ProxyPing', `response must be JSON of at most ${MAX_OUTCOME_CHARS} characters`);
  let next: Partial<PingResponse>;
  try {
    next = JSON.parse(json) as Partial<PingResponse>;
  } catch {
    throw malformed(label, 'ProxyPing', 'response is not JSON');
  }
  if (next === null || typeof next !== 'object') throw malformed(label, 'ProxyPing', 'response is not an object');
  if (next.description !== undefined) response.description = next.description;
  if (typeof next.favicon === 'string') response.favicon = next.favicon;
  const v = next.version;
  if (v !== undefined && typeof v?.name === 'string' && Number.isInteger(v.protocol)) response.version = { name: v.name, protocol: v.protocol };
  const p = next.players;
  if (p !== undefined && Number.isInteger(p?.max) && Number.isInteger(p?.online)) {
    const sample = Array.isArray(p.sample) ? p.sample.filter((s) => typeof s?.name === 'string' && typeof s?.id === 'string').slice(0, 64) : undefined;
    response.players = { max: p.max, online: p.online, ...(sample !== undefined ? { sample } : {}) };
  }
}

function malformed(label: string, name: string, why: string): InfrarustError {
  return new InfrarustError('IR_ERR_WASM_GUEST', `${label}: on-event(${name}) returned a malformed outcome: ${why}`);
}
