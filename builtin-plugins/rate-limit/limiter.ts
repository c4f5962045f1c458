/**
 * A GCRA limiter keyed by client, with bounded memory: idle keys (bucket full again) are
 * dropped by `sweep()`, which the plugin runs periodically, and a hard cap evicts the key
 * added longest ago when a flood from many addresses fills the map between sweeps.
 * Forgetting a key only ever gives that client its full burst back.
 */
import { gcra, isIdle, type Quota } from './gcra.ts';

export const DEFAULT_MAX_ENTRIES = 100_000;

export interface LimiterOptions {
  /** Monotonic milliseconds; injected by tests. */
  now?: () => number;
  maxEntries?: number;
}

export class KeyedLimiter {
  // Map order is first-admission order: the first key is the one admitted longest ago.
  readonly #tats = new Map<string | number, number>();
  readonly #now: () => number;
  readonly #maxEntries: number;

  constructor(
    readonly quota: Quota,
    options: LimiterOptions = {},
  ) {
    if (!(quota.max > 0) || !(quota.windowMs > 0)) throw new RangeError(`rate limit needs max > 0 and a window > 0 (got ${quota.max} per ${quota.windowMs} ms)`);
    this.#now = options.now ?? (() => performance.now());
    this.#maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  }

  get size(): number {
    return this.#tats.size;
  }

  /** Counts one attempt: 0 when it is allowed, else the milliseconds until one would be. */
  take(key: string | number): number {
    const tat = this.#tats.get(key);
    const r = gcra(tat, this.#now(), this.quota);
    if (!r.allowed) return r.retryAfterMs;
    // Updating in place keeps the key where it was: a delete + set per attempt would leave a
    // hole in the map's table each time and rehash it every few attempts.
    if (tat === undefined && this.#tats.size >= this.#maxEntries) this.#evictOldest();
    this.#tats.set(key, r.tat);
    return 0;
  }

  /** Drops every key whose bucket is full again; returns how many. */
  sweep(): number {
    const now = this.#now();
    let dropped = 0;
    for (const [key, tat] of this.#tats) {
      if (isIdle(tat, now)) {
        this.#tats.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  #evictOldest(): void {
    const oldest = this.#tats.keys().next();
    if (oldest.done !== true) this.#tats.delete(oldest.value);
  }
}
