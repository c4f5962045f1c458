/**
 * Layer 3, the EventBus: typed events, u8 priorities (lowest first, ties in registration order),
 * one event object passed through every listener so each sees the earlier changes, and results
 * that replace `event.result` for the listeners after them.
 *
 * Failure policy comes from EVENT_INFO: an `access` listener that throws or times out denies
 * and stops the chain (fail closed: a broken ban plugin must not let everyone in); `resulted`
 * and `observer` listeners are logged and skipped (fail open). `fire` itself never rejects.
 *
 * Cost: a dispatch with no listeners is one Map lookup; synchronous listeners run without a
 * timer, a clock read, a promise or an await (`fire` wraps `dispatch` in one promise); `listenerCount` and
 * `hasPacketListeners` (≈ 10 ns, no allocation) let the kernel skip building events nobody
 * listens to. Listeners added during a fire join the next fire, not the current one.
 * `timings()` (ProxyApi.stats): each call increments its registration's counter; promise-returning
 * calls are timed (the clock is read for the timeout anyway), synchronous ones 1 in 64.
 */
import { deny } from '../../sdk/results.ts';
import { EVENT_INFO, type EventListener, type EventMap, type EventName, type ListenOptions, type PacketSelector } from '../../sdk/events.ts';
import type { Unregister } from '../../sdk/plugin.ts';
import { checkPriority } from './priority.ts';
import { checkTimeout, isThenable, settleWithin } from './hook-timeout.ts';
import { mergeLists, withListener, withoutListener, type ListenerList, type Registration } from './listener-list.ts';
import { packetKey, selectorKey } from './packet-key.ts';
import type { LayerLogger } from './layer-logger.ts';
import { pluginOf } from './owner.ts';

export interface EventBusOptions {
  logger: LayerLogger;
  /** Per-listener limit for listeners that return a promise. Default 10 000 ms. */
  timeoutMs?: number;
  /** A listener whose promise takes longer than this is logged as a warning. Default 1 000 ms. */
  slowWarnMs?: number;
}

/** What an access event holds after a listener failed: the player sees a generic reason. */
export const INTERNAL_ERROR_DENIAL = Object.freeze(deny('Internal error'));

type AnyEvent = { result?: unknown };
/** A registration plus how to take it out of the list it sits in, and its call counters. */
interface BusRegistration extends Registration {
  readonly detach: (reg: Registration) => void;
  /** The event name ('RawPacket' for packet listeners), for `timings()`. */
  readonly event: EventName;
  counts: CallCounts;
}

/** Calls and time of listeners (see `EventBus.timings`); seconds. */
export interface CallCounts {
  calls: number;
  asyncCalls: number;
  asyncSeconds: number;
  syncSampled: number;
  syncSampledSeconds: number;
}

/** Synchronous listener calls timed: 1 in SYNC_SAMPLE (a power of two; a clock read costs about a trivial listener). */
const SYNC_SAMPLE = 64;
const newCounts = (): CallCounts => ({ calls: 0, asyncCalls: 0, asyncSeconds: 0, syncSampled: 0, syncSampledSeconds: 0 });
/** `true`: run the next listener; `false`: stop (an access listener failed). */
type Step = boolean | Promise<boolean>;

export class EventBus {
  readonly #logger: LayerLogger;
  readonly #timeoutMs: number;
  readonly #slowWarnMs: number;
  readonly #byName = new Map<EventName, ListenerList>();
  readonly #byPacket = new Map<number, ListenerList>();
  /** Packet list merged with the catch-all RawPacket list; cleared whenever either changes. */
  readonly #mergedPackets = new Map<number, ListenerList>();
  readonly #byOwner = new Map<string, Set<BusRegistration>>();
  /** Counts of removed listeners, by `plugin\0event`, so totals never go down on unload. */
  readonly #retired = new Map<string, CallCounts>();
  #seq = 0;
  #total = 0;
  #packetTotal = 0;

  constructor(options: EventBusOptions) {
    this.#logger = options.logger;
    this.#timeoutMs = checkTimeout(options.timeoutMs ?? 10_000, 'timeoutMs');
    this.#slowWarnMs = options.slowWarnMs ?? 1_000;
  }

  /** Registers `listener` for `name` on behalf of plugin `owner`. */
  on<K extends EventName>(owner: string, name: K, listener: EventListener<K>, options?: ListenOptions): Unregister {
    if (!Object.hasOwn(EVENT_INFO, name)) throw new TypeError(`plugin ${owner}: unknown event "${String(name)}"`);
    const reg = this.#record(owner, name, listener, options, `plugin ${owner}, event ${name}`, (r) => this.#removeNamed(name, r));
    this.#byName.set(name, withListener(this.#byName.get(name), reg));
    if (name === 'RawPacket') this.#mergedPackets.clear();
    return () => this.#unregister(reg);
  }

  /** Registers a RawPacket listener for one (direction, state, packetId) only. */
  onPacket(owner: string, selector: PacketSelector, listener: EventListener<'RawPacket'>, options?: ListenOptions): Unregister {
    const key = selectorKey(selector, owner);
    const reg = this.#record(owner, 'RawPacket', listener, options, `plugin ${owner}, packet listener`, (r) => this.#removePacket(key, r));
    this.#byPacket.set(key, withListener(this.#byPacket.get(key), reg));
    this.#mergedPackets.delete(key);
    this.#packetTotal++;
    return () => this.#unregister(reg);
  }

  /** True when a RawPacket event for this packet would reach any listener. O(1), allocation-free. */
  hasPacketListeners(direction: PacketSelector['direction'], state: PacketSelector['state'], packetId: number): boolean {
    if (this.#byName.has('RawPacket')) return true;
    return this.#packetTotal > 0 && this.#byPacket.has(packetKey(direction, state, packetId));
  }

  /** Listeners for `name` (for RawPacket: catch-all plus per-packet ones), or all listeners. */
  listenerCount(name?: EventName): number {
    if (name === undefined) return this.#total;
    const named = this.#byName.get(name)?.length ?? 0;
    return name === 'RawPacket' ? named + this.#packetTotal : named;
  }

  /** Removes everything `owner` registered; returns how many listeners that was. */
  removeOwner(owner: string): number {
    const regs = this.#byOwner.get(owner);
    if (regs === undefined) return 0;
    const count = regs.size;
    for (const reg of [...regs]) this.#unregister(reg);
    return count;
  }

  /**
   * Runs the listeners of `name` in order and resolves with the same event object. Never
   * rejects: failures are logged and handled per the event's kind.
   */
  async fire<K extends EventName>(name: K, event: EventMap[K]): Promise<EventMap[K]> {
    return this.dispatch(name, event);
  }

  /**
   * Fires an observer event and does not wait for its listeners. The payload is built only when
   * someone listens, so the kernel's one call per notification costs a lookup otherwise.
   * Listeners that answer synchronously have run when this returns.
   */
  notify<K extends EventName>(name: K, build: () => EventMap[K]): void {
    if (!this.#byName.has(name)) return;
    void this.dispatch(name, build());
  }

  /**
   * `fire` for the kernel's hot paths: returns the event itself, without a promise or a
   * microtask, while every listener answers synchronously; a promise once one does not.
   */
  dispatch<K extends EventName>(name: K, event: EventMap[K]): EventMap[K] | Promise<EventMap[K]> {
    const list = name === 'RawPacket' ? this.#rawPacketListeners(event as EventMap['RawPacket']) : this.#byName.get(name);
    if (list === undefined) return event;
    return this.#runFrom(list, 0, name, event);
  }

  #runFrom<K extends EventName>(list: ListenerList, start: number, name: K, event: EventMap[K]): EventMap[K] | Promise<EventMap[K]> {
    for (let i = start; i < list.length; i++) {
      const reg = list[i];
      if (reg.removed) continue;
      const step: Step = this.#call(reg as BusRegistration, name, event as AnyEvent);
      if (step === false) break;
      if (step !== true) return this.#resumeAfter(step, list, i, name, event);
    }
    return event;
  }

  async #resumeAfter<K extends EventName>(pending: Promise<boolean>, list: ListenerList, i: number, name: K, event: EventMap[K]): Promise<EventMap[K]> {
    if (!(await pending)) return event;
    return this.#runFrom(list, i + 1, name, event);
  }

  #rawPacketListeners(event: EventMap['RawPacket']): ListenerList | undefined {
    const general = this.#byName.get('RawPacket');
    if (this.#packetTotal === 0) return general;
    const key = packetKey(event.direction, event.state, event.packetId);
    const specific = this.#byPacket.get(key);
    if (specific === undefined) return general;
    if (general === undefined) return specific;
    let merged = this.#mergedPackets.get(key);
    if (merged === undefined) this.#mergedPackets.set(key, (merged = mergeLists(general, specific)));
    return merged;
  }

  /**
   * The per-call wrapper. Synchronous results are handled inline with no timer and no clock read
   * (a clock read costs about as much as a trivial listener); a promise gets a timer, and its
   * duration is measured from the moment it was returned.
   */
  #call(reg: BusRegistration, name: EventName, event: AnyEvent): Step {
    const counts = reg.counts;
    const sampled = (++counts.calls & (SYNC_SAMPLE - 1)) === 0;
    const t0 = sampled ? performance.now() : 0;
    let returned: unknown;
    try {
      returned = (reg.listener as (e: AnyEvent) => unknown)(event);
    } catch (err) {
      return this.#fail(reg, name, event, err);
    }
    if (isThenable(returned)) return this.#settle(reg, name, event, returned, performance.now());
    if (sampled) {
      counts.syncSampled++;
      counts.syncSampledSeconds += (performance.now() - t0) / 1000;
    }
    return this.#apply(reg, name, event, returned);
  }

  /**
   * Listener calls and time per plugin (owner without its generation) and event, removed
   * listeners included (counts only grow).
   * Promise-returning calls are timed each; synchronous ones 1 in SYNC_SAMPLE (64).
   */
  timings(): { owner: string; event: EventName; counts: CallCounts }[] {
    const all = new Map<string, CallCounts>();
    for (const [key, c] of this.#retired) addCounts(all, key, c);
    for (const regs of this.#byOwner.values()) for (const reg of regs) addCounts(all, `${pluginOf(reg.owner)}\0${reg.event}`, reg.counts);
    return [...all].map(([key, counts]) => {
      const [owner = '', event] = key.split('\0');
      return { owner, event: event as EventName, counts };
    });
  }

  async #settle(reg: BusRegistration, name: EventName, event: AnyEvent, pending: PromiseLike<unknown>, started: number): Promise<boolean> {
    let value: unknown;
    try {
      value = await settleWithin(pending, this.#timeoutMs, `listener of ${name} (plugin ${reg.owner})`);
    } catch (err) {
      countAsync(reg.counts, started);
      return this.#fail(reg, name, event, err);
    }
    countAsync(reg.counts, started);
    this.#warnIfSlow(reg, name, started);
    return this.#apply(reg, name, event, value);
  }

  /** A returned value becomes the result; anything but a `{ type }` object is a listener bug. */
  #apply(reg: Registration, name: EventName, event: AnyEvent, value: unknown): boolean {
    // The kind is looked up only here and in #fail: most listeners return nothing.
    if (value === undefined || EVENT_INFO[name].kind === 'observer') return true;
    if (typeof value !== 'object' || value === null || typeof (value as { type?: unknown }).type !== 'string') {
      return this.#fail(reg, name, event, new TypeError(`listener returned ${typeof value}, not a result such as allow() or deny(reason)`));
    }
    event.result = value;
    return true;
  }

  #fail(reg: Registration, name: EventName, event: AnyEvent, err: unknown): boolean {
    const closed = EVENT_INFO[name].kind === 'access';
    const msg = closed ? 'event listener failed; access denied (fail closed)' : 'event listener failed; skipped it';
    this.#logger.error({ plugin: reg.owner, hook: `event:${name}`, err }, msg);
    if (!closed) return true;
    event.result = INTERNAL_ERROR_DENIAL;
    return false;
  }

  #warnIfSlow(reg: Registration, name: EventName, started: number): void {
    const elapsedMs = performance.now() - started;
    if (elapsedMs < this.#slowWarnMs) return;
    this.#logger.warn({ plugin: reg.owner, hook: `event:${name}`, elapsedMs: Math.round(elapsedMs) }, 'slow event listener');
  }

  #record(owner: string, event: EventName, listener: unknown, options: ListenOptions | undefined, what: string, detach: BusRegistration['detach']): BusRegistration {
    if (typeof listener !== 'function') throw new TypeError(`${what}: listener must be a function`);
    const priority = checkPriority(options?.priority, what);
    const reg: BusRegistration = { owner, priority, seq: this.#seq++, listener: listener as Registration['listener'], removed: false, detach, event, counts: newCounts() };
    let owned = this.#byOwner.get(owner);
    if (owned === undefined) this.#byOwner.set(owner, (owned = new Set()));
    owned.add(reg);
    this.#total++;
    return reg;
  }

  /** Idempotent: a second call (or removeOwner after unregister) finds `removed` set. */
  #unregister(reg: BusRegistration): void {
    if (reg.removed) return;
    reg.removed = true;
    reg.detach(reg);
    addCounts(this.#retired, `${pluginOf(reg.owner)}\0${reg.event}`, reg.counts);
    const owned = this.#byOwner.get(reg.owner);
    owned?.delete(reg);
    if (owned?.size === 0) this.#byOwner.delete(reg.owner);
    this.#total--;
  }

  #removeNamed(name: EventName, reg: Registration): void {
    const next = withoutListener(this.#byName.get(name) ?? [], reg);
    if (next.length === 0) this.#byName.delete(name);
    else this.#byName.set(name, next);
    if (name === 'RawPacket') this.#mergedPackets.clear();
  }

  #removePacket(key: number, reg: Registration): void {
    const next = withoutListener(this.#byPacket.get(key) ?? [], reg);
    if (next.length === 0) this.#byPacket.delete(key);
    else this.#byPacket.set(key, next);
    this.#mergedPackets.delete(key);
    this.#packetTotal--;
  }
}

function countAsync(counts: CallCounts, started: number): void {
  counts.asyncCalls++;
  counts.asyncSeconds += (performance.now() - started) / 1000;
}

function addCounts(into: Map<string, CallCounts>, key: string, c: CallCounts): void {
  let t = into.get(key);
  if (t === undefined) into.set(key, (t = newCounts()));
  t.calls += c.calls;
  t.asyncCalls += c.asyncCalls;
  t.asyncSeconds += c.asyncSeconds;
  t.syncSampled += c.syncSampled;
  t.syncSampledSeconds += c.syncSampledSeconds;
}
