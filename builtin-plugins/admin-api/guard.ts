/**
 * Who may call the API: the bearer key (compared in constant time over SHA-256 digests, so
 * neither the content nor the length leaks through timing), and a per-client fixed-window rate
 * limit (v2 shares one window between all clients; one noisy script should not lock the
 * dashboard out).
 */
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** A checker for `Authorization: Bearer <key>` header values. */
export function bearerChecker(key: string): (header: string | undefined) => boolean {
  const expected = digest(key);
  return function checkBearer(header) {
    if (header === undefined) return false;
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return m !== null && timingSafeEqual(digest(m[1]!), expected);
  };
}

/** Constant-time equality of two secrets of any length. */
export function secretEquals(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

/** Clients tracked at most; past it, windows that ended are dropped, then the oldest. */
const MAX_CLIENTS = 10_000;

/** Fixed one-minute windows per client key (the peer address). */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
    private readonly windowMs = 60_000,
  ) {}

  take(client: string): RateDecision {
    const now = this.now();
    let w = this.windows.get(client);
    if (w === undefined || now - w.start >= this.windowMs) {
      if (w === undefined && this.windows.size >= MAX_CLIENTS) this.prune(now);
      w = { start: now, count: 0 };
      this.windows.set(client, w);
    }
    w.count++;
    const resetSeconds = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
    return { allowed: w.count <= this.perMinute, limit: this.perMinute, remaining: Math.max(0, this.perMinute - w.count), resetSeconds };
  }

  get size(): number {
    return this.windows.size;
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
    if (this.windows.size >= MAX_CLIENTS) this.windows.delete(this.windows.keys().next().value!);
  }
}

/** Short-lived tokens for EventSource (which cannot send headers): the long-lived key never goes in a URL. */
export class StreamTokens {
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  issue(token: string): { token: string; expires_in: number } {
    const now = this.now();
    for (const [t, exp] of this.tokens) if (exp <= now) this.tokens.delete(t);
    if (this.tokens.size >= 1000) this.tokens.delete(this.tokens.keys().next().value!);
    this.tokens.set(token, now + this.ttlMs);
    return { token, expires_in: Math.round(this.ttlMs / 1000) };
  }

  /** True for an issued token until it expires (EventSource reconnects reuse its URL). */
  redeem(token: string): boolean {
    const exp = this.tokens.get(token);
    if (exp === undefined) return false;
    if (exp > this.now()) return true;
    this.tokens.delete(token);
    return false;
  }
}
