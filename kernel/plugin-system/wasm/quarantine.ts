/**
 * Counts a guest's faults in a sliding window (`[wasm.recovery]`, overridable per plugin in
 * `[plugins.<id>.wasm.recovery]`) and decides what follows each: a restart after a backoff that
 * doubles with every fault in the window (the first is immediate: one fault should not leave a
 * plugin away for long), or quarantine once more than `max_restarts` faults fell in the window.
 * A quarantined plugin is disabled until reloaded (a changed file or `plugin reload`).
 */
export interface RecoveryPolicy {
  /** Restarts allowed in `windowMs`; the next fault quarantines. */
  maxRestarts: number;
  windowMs: number;
  backoffInitialMs: number;
  backoffMaxMs: number;
}

export const DEFAULT_RECOVERY: RecoveryPolicy = { maxRestarts: 5, windowMs: 300_000, backoffInitialMs: 1_000, backoffMaxMs: 300_000 };

export type FaultDecision = { action: 'restart'; delayMs: number; inWindow: number } | { action: 'quarantine'; inWindow: number };

export class FaultWindow {
  private readonly times: number[] = [];
  total = 0;

  constructor(private readonly policy: RecoveryPolicy) {}

  record(now = Date.now()): FaultDecision {
    this.total++;
    this.times.push(now);
    while (this.times.length > 0 && now - this.times[0]! > this.policy.windowMs) this.times.shift();
    const inWindow = this.times.length;
    if (inWindow > this.policy.maxRestarts) return { action: 'quarantine', inWindow };
    const delayMs = inWindow <= 1 ? 0 : Math.min(this.policy.backoffMaxMs, this.policy.backoffInitialMs * 2 ** (inWindow - 2));
    return { action: 'restart', delayMs, inWindow };
  }
}

/** `[plugins.<id>.wasm.recovery]` keys over the defaults (durations already in ms). */
export function recoveryPolicy(over: { max_restarts?: number; window?: number; backoff_initial?: number; backoff_max?: number } | undefined, base: RecoveryPolicy = DEFAULT_RECOVERY): RecoveryPolicy {
  return {
    maxRestarts: over?.max_restarts ?? base.maxRestarts,
    windowMs: over?.window ?? base.windowMs,
    backoffInitialMs: over?.backoff_initial ?? base.backoffInitialMs,
    backoffMaxMs: over?.backoff_max ?? base.backoffMaxMs,
  };
}
