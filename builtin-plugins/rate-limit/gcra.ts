/**
 * GCRA (generic cell rate algorithm), the algorithm of v2's `governor` limiter: one number per
 * key, the theoretical arrival time (TAT). A quota of `max` per `windowMs` emits one cell every
 * `windowMs / max` and allows a burst of `max`: exactly a token bucket of size `max` that
 * refills continuously, without a timer or a token count.
 */

export interface Quota {
  /** Attempts allowed in a burst, and per window on average. 0 disables the quota. */
  readonly max: number;
  readonly windowMs: number;
}

/** Float slack so that `max` attempts at the same instant fit in the window exactly. */
const EPSILON_MS = 1e-6;

export type GcraResult = { readonly allowed: true; readonly tat: number } | { readonly allowed: false; readonly retryAfterMs: number };

/**
 * One attempt at `now` against a key whose TAT is `tat` (undefined: never seen or evicted,
 * i.e. a full bucket). Allowed attempts return the new TAT to store; refused ones change nothing.
 */
export function gcra(tat: number | undefined, now: number, quota: Quota): GcraResult {
  const interval = quota.windowMs / quota.max;
  const next = (tat === undefined || tat < now ? now : tat) + interval;
  const wait = next - quota.windowMs - now;
  return wait > EPSILON_MS ? { allowed: false, retryAfterMs: wait } : { allowed: true, tat: next };
}

/** A key whose TAT has passed has its whole burst back: forgetting it changes no decision. */
export function isIdle(tat: number, now: number): boolean {
  return tat <= now;
}
