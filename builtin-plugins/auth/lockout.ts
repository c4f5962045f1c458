/**
 * Wrong passwords per address, in memory: after `maxAttempts` failures the address is locked for
 * `lockMs`. The count outlives the session (reconnecting does not reset it) but not a restart of
 * the proxy; an address's count is forgotten `lockMs` after its last failure, or at a success.
 */
export interface LockoutState {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

export class Lockouts {
  private readonly byIp = new Map<string, LockoutState>();

  constructor(private readonly maxAttempts: number, private readonly lockMs: number, private readonly now: () => number = Date.now) {}

  /** Milliseconds the address stays locked; 0 when it may try. */
  remainingMs(ip: string): number {
    const s = this.live(ip);
    return s === undefined ? 0 : Math.max(0, s.lockedUntil - this.now());
  }

  /** Records a failure; returns how many attempts are left (0: the address is now locked). */
  fail(ip: string): number {
    const now = this.now();
    const s = this.live(ip) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
    s.failures += 1;
    s.lastFailure = now;
    if (s.failures >= this.maxAttempts) s.lockedUntil = now + this.lockMs;
    this.byIp.set(ip, s);
    return Math.max(0, this.maxAttempts - s.failures);
  }

  succeed(ip: string): void {
    this.byIp.delete(ip);
  }

  /** Drops expired entries (called on a timer). */
  prune(): void {
    for (const ip of [...this.byIp.keys()]) this.live(ip);
  }

  get size(): number {
    return this.byIp.size;
  }

  private live(ip: string): LockoutState | undefined {
    const s = this.byIp.get(ip);
    if (s === undefined) return undefined;
    const now = this.now();
    if (s.lockedUntil <= now && now - s.lastFailure >= this.lockMs) {
      this.byIp.delete(ip);
      return undefined;
    }
    if (s.lockedUntil !== 0 && s.lockedUntil <= now) {
      // A lock that ran out starts a fresh count.
      this.byIp.delete(ip);
      return undefined;
    }
    return s;
  }
}
