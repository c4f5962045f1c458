/**
 * An sdk-shaped layer over the raw WIT exports for TypeScript guests: the sdk's event names and
 * payload types (sdk/events.ts, as JSON), its result constructors (`allow()`, `deny(reason)`,
 * `modify(value)`…), `on(name, handler)`, `command(spec, handler)`, timers, and the `guest`
 * export built by `definePlugin`. Bundled into the component by `infrarust plugin build`; it only
 * imports baseline interfaces, so it fits every guest whatever its opt-in capabilities.
 *
 * @example
 * export const guest = definePlugin({
 *   onEnable() {
 *     on('PreLogin', (e) => (e.username === 'Mallory' ? deny('No entry') : undefined));
 *     command({ name: 'hi' }, (args, sender) => `Hello, ${args[0] ?? sender ?? 'console'}!`);
 *   },
 * });
 *
 * QuickJS guests have no console, TextEncoder or working Date.now(): use `log`, `utf8`/`fromUtf8`
 * below and the scheduler.
 */
import { subscribe, unsubscribe } from 'infrarust:plugin/events@0.1.0';
import { register, unregister } from 'infrarust:plugin/commands@0.1.0';
import { cancel, delay, interval } from 'infrarust:plugin/scheduler@0.1.0';
import { log as hostLog } from 'infrarust:plugin/log@0.1.0';
import { config as hostConfig } from 'infrarust:plugin/config-read@0.1.0';
import type { Event, EventOutcome, EventResult as WitResult } from 'infrarust:plugin/types@0.1.0';
import type { EventMap, EventName } from 'infrarust/sdk';

declare const INFRARUST_PLUGIN_ID: string; // plugin.json "id", set by `plugin build`
declare const INFRARUST_PLUGIN_VERSION: string;

/** The sdk's priorities (0 first … 255 last). */
export const EventPriority = { FIRST: 0, EARLY: 64, NORMAL: 128, LATE: 192, LAST: 255 } as const;

/** What JSON keeps of a value: functions and binary fields are left out, readonly dropped. */
export type Json<T> = T extends (...args: never[]) => unknown
  ? never
  : T extends Uint8Array
    ? never
    : T extends readonly (infer U)[]
      ? Json<U>[]
      : T extends object
        ? { -readonly [K in keyof T as T[K] extends ((...args: never[]) => unknown) | Uint8Array ? never : K]: Json<T[K]> }
        : T;

/** The payload a guest receives for event `K`: `EventMap[K]` as JSON. */
export type Payload<K extends EventName> = Json<Omit<EventMap[K], 'result'>>;

/** The sdk result values an event takes (`EventMap[K]['result']`). */
export type Result<K extends EventName> = NonNullable<EventMap[K] extends { result?: infer R } ? R : never>;

// The sdk's result constructors (sdk/results.ts), same names and shapes.
export const allow = () => ({ type: 'allowed' }) as const;
export const deny = (reason: string) => ({ type: 'denied', reason }) as const;
export const dropSilently = () => ({ type: 'drop-silently' }) as const;
export const forceOffline = () => ({ type: 'force-offline' }) as const;
export const forceOnline = () => ({ type: 'force-online' }) as const;
export const connectTo = (server: string) => ({ type: 'connect-to', server }) as const;
export const sendToLimbo = (handlers?: readonly string[]) => ({ type: 'send-to-limbo', handlers }) as const;
export const disconnectPlayer = (reason: string) => ({ type: 'disconnect', reason }) as const;
export const redirectTo = (server: string) => ({ type: 'redirect', server }) as const;
export const notify = (message: string) => ({ type: 'notify', message }) as const;
export const modify = <T>(value: T) => ({ type: 'modify', value }) as const;

type AnyResult = { readonly type: string; readonly reason?: string; readonly server?: string; readonly message?: string; readonly value?: unknown; readonly handlers?: readonly string[] };

/**
 * A handler's answer: a result (`deny('…')`), or nothing. ProxyPing handlers change
 * `e.response` in place, as native listeners do.
 */
export type Handler<K extends EventName> = (event: Payload<K>) => Result<K> | AnyResult | void;

/** `log('info', …)` under the plugin's logger. */
export function log(level: 'trace' | 'debug' | 'info' | 'warn' | 'error', message: string): void {
  hostLog(level, message);
}

/** The plugin's own `[plugins.<id>]` keys. */
export function config<T = Record<string, unknown>>(): T {
  return JSON.parse(hostConfig()) as T;
}

const handlers = new Map<bigint, (event: unknown) => unknown>();
const commands = new Map<string, (args: string[], sender: string | undefined) => string | string[] | void>();
const tasks = new Map<bigint, () => void>();

/** Subscribes to an sdk event; returns a function that unsubscribes. Call from `onEnable`. */
export function on<K extends EventName>(name: K, handler: Handler<K>, priority: number = EventPriority.NORMAL): () => void {
  const id = subscribe(name, priority);
  handlers.set(id, handler as (event: unknown) => unknown);
  return () => {
    handlers.delete(id);
    unsubscribe(id);
  };
}

export interface CommandSpec {
  name: string;
  aliases?: string[];
  description?: string;
  usage?: string;
  permission?: string;
}

/** Registers a console / in-game command; the handler's string(s) are the reply lines. */
export function command(spec: CommandSpec, handler: (args: string[], sender: string | undefined) => string | string[] | void): () => void {
  register({ name: spec.name, aliases: spec.aliases ?? [], description: spec.description, usage: spec.usage, permission: spec.permission });
  commands.set(spec.name, handler);
  return () => {
    commands.delete(spec.name);
    unregister(spec.name);
  };
}

/** Runs `fn` once after `ms`; returns a function that cancels it. */
export function after(ms: number, fn: () => void): () => void {
  const id = delay(ms);
  tasks.set(id, () => (tasks.delete(id), fn()));
  return () => (tasks.delete(id), void cancel(id));
}

/** Runs `fn` every `ms`; returns a function that cancels it. */
export function every(ms: number, fn: () => void): () => void {
  const id = interval(ms);
  tasks.set(id, fn);
  return () => (tasks.delete(id), void cancel(id));
}

/** The sdk result as the WIT `event-result`. */
function toWit(r: AnyResult): WitResult {
  switch (r.type) {
    case 'denied': return { tag: 'denied', val: String(r.reason ?? '') };
    case 'disconnect': return { tag: 'disconnect', val: String(r.reason ?? '') };
    case 'connect-to': return { tag: 'connect-to', val: String(r.server) };
    case 'redirect': return { tag: 'redirect', val: String(r.server) };
    case 'notify': return { tag: 'notify', val: String(r.message ?? '') };
    case 'modify': return { tag: 'modify', val: typeof r.value === 'string' ? r.value : JSON.stringify(r.value) };
    case 'send-to-limbo': return { tag: 'send-to-limbo', val: [...(r.handlers ?? [])] };
    default: return { tag: r.type } as WitResult;
  }
}

export interface GuestDefinition {
  /** Register listeners, commands and timers here (top-level code runs at build time). */
  onEnable?(): void;
  onDisable?(): void;
}

/** The `guest` export: `export const guest = definePlugin({ onEnable() { … } })`. */
export function definePlugin(def: GuestDefinition) {
  return {
    metadata: () => ({ id: INFRARUST_PLUGIN_ID, version: INFRARUST_PLUGIN_VERSION }),
    onEnable(): void {
      def.onEnable?.();
    },
    onDisable(): void {
      def.onDisable?.();
    },
    onEvent(listener: bigint, event: Event): EventOutcome {
      const handler = handlers.get(listener);
      if (handler === undefined) return { tag: 'unchanged' };
      const payload = JSON.parse(event.payload) as { response?: unknown };
      const result = handler(payload) as AnyResult | undefined;
      if (result !== undefined && result !== null) return { tag: 'result', val: toWit(result) };
      if (event.name === 'ProxyPing') return { tag: 'response', val: JSON.stringify(payload.response) };
      return { tag: 'unchanged' };
    },
    onCommand(name: string, args: string[], sender: string | undefined): string[] {
      const handler = commands.get(name);
      const out = handler === undefined ? undefined : handler(args, sender);
      return out === undefined ? [] : Array.isArray(out) ? out : [out];
    },
    onTask(task: bigint): void {
      tasks.get(task)?.();
    },
  };
}

// Packet helpers for codec filters (no TextEncoder in QuickJS).

/** UTF-8 bytes of a string. */
export function utf8(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    let c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return out;
}

/** A string from UTF-8 bytes (invalid sequences become U+FFFD). */
export function fromUtf8(bytes: ArrayLike<number>, start = 0, end = bytes.length): string {
  let ascii = true;
  for (let i = start; i < end; i++) if (bytes[i] >= 0x80) (ascii = false), (i = end);
  // ASCII (most protocol strings): one native call instead of a concatenation per character.
  if (ascii) return String.fromCharCode.apply(null, (bytes instanceof Uint8Array ? bytes.subarray(start, end) : Array.prototype.slice.call(bytes, start, end)) as unknown as number[]);
  let s = '';
  for (let i = start; i < end; ) {
    const b = bytes[i++];
    let c = 0xfffd;
    if (b < 0x80) c = b;
    else if (b >= 0xc0 && b < 0xe0 && i < end) c = ((b & 31) << 6) | (bytes[i++] & 63);
    else if (b >= 0xe0 && b < 0xf0 && i + 1 < end) (c = ((b & 15) << 12) | ((bytes[i] & 63) << 6) | (bytes[i + 1] & 63)), (i += 2);
    else if (b >= 0xf0 && i + 2 < end) (c = ((b & 7) << 18) | ((bytes[i] & 63) << 12) | ((bytes[i + 1] & 63) << 6) | (bytes[i + 2] & 63)), (i += 3);
    s += String.fromCodePoint(c);
  }
  return s;
}

/** Reads a VarInt at `offset`: [value, bytes read], or undefined when truncated. */
export function readVarInt(bytes: ArrayLike<number>, offset: number): [number, number] | undefined {
  let value = 0;
  for (let i = 0; i < 5 && offset + i < bytes.length; i++) {
    const b = bytes[offset + i];
    value |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return [value, i + 1];
  }
  return undefined;
}

export function writeVarInt(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    const b = v & 0x7f;
    v >>>= 7;
    out.push(v !== 0 ? b | 0x80 : b);
  } while (v !== 0);
  return out;
}

/** A protocol String (VarInt length + UTF-8) at `offset`: [text, bytes read]. */
export function readString(bytes: ArrayLike<number>, offset = 0): [string, number] | undefined {
  const len = readVarInt(bytes, offset);
  if (len === undefined || offset + len[1] + len[0] > bytes.length) return undefined;
  return [fromUtf8(bytes, offset + len[1], offset + len[1] + len[0]), len[1] + len[0]];
}

export function writeString(text: string): number[] {
  const b = utf8(text);
  return [...writeVarInt(b.length), ...b];
}

/**
 * Builds a `filter-batch` answer: `pass()`, `drop()`, `replace(body)` per packet, in order.
 * @example const v = verdicts(); for (…) v.pass(); return v.done();
 */
export function verdicts(count = 0) {
  /** Preallocated when the packet count is known (pass = 0, so unset entries pass). */
  let codes = new Uint8Array(count);
  let n = 0;
  const data: number[] = [];
  const ends: number[] = [];
  const code = (c: number): void => {
    if (n === codes.length) {
      const grown = new Uint8Array(Math.max(8, n * 2));
      grown.set(codes);
      codes = grown;
    }
    codes[n++] = c;
  };
  return {
    pass: () => code(0),
    drop: () => code(1),
    replace(body: ArrayLike<number>) {
      code(2);
      for (let i = 0; i < body.length; i++) data.push(body[i]);
      ends.push(data.length);
    },
    done: () => ({ codes: n === codes.length ? codes : codes.slice(0, n), replacedData: new Uint8Array(data), replacedEnds: new Uint32Array(ends) }),
  };
}
