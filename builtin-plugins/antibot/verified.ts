/**
 * Players who passed the check, remembered for `ttlMs` and at most `max` of them: a Map in
 * insertion order, so the oldest entry is the first one. Verifying again moves an entry to the
 * end; past `max` the oldest is forgotten. Expired entries are dropped on lookup and by `prune`.
 */
export type RememberBy = 'name_and_ip' | 'name' | 'ip';

/** The key a player is remembered by: names case-insensitively, as Minecraft treats them. */
export function rememberKey(by: RememberBy, username: string, ip: string): string {
  const name = username.toLowerCase();
  if (by === 'name') return name;
  if (by === 'ip') return ip;
  return `${name}\u0000${ip}`;
}

export class VerifiedPlayers {
  /** key → expiry (epoch ms). */
  private readonly until = new Map<string, number>();

  /** `onRemember` is told of each change other than expiry (the plugin saves them). */
  constructor(private readonly ttlMs: number, private readonly max: number, private readonly onRemember: () => void = () => undefined) {}

  remember(key: string, now: number): void {
    this.until.delete(key);
    this.until.set(key, now + this.ttlMs);
    while (this.until.size > this.max) this.until.delete(this.until.keys().next().value!);
    this.onRemember();
  }

  has(key: string, now: number): boolean {
    const expiry = this.until.get(key);
    if (expiry === undefined) return false;
    if (expiry > now) return true;
    this.until.delete(key);
    return false;
  }

  /** Drops expired entries. Entries expire in insertion order (one ttl for all), so this stops at the first live one. */
  prune(now: number): void {
    for (const [key, expiry] of this.until) {
      if (expiry > now) return;
      this.until.delete(key);
    }
  }

  /** Forgets a name (any case) from every address; returns how many entries went. Keys by `ip` hold no name. */
  forgetName(username: string): number {
    const name = username.toLowerCase();
    let removed = 0;
    for (const key of [...this.until.keys()]) {
      if (key === name || key.startsWith(`${name}\u0000`)) {
        this.until.delete(key);
        removed++;
      }
    }
    if (removed > 0) this.onRemember();
    return removed;
  }

  /** Entries from the file: live ones only, expiry capped at `now + ttl` (remember_for may have shrunk), oldest first. */
  load(entries: Iterable<readonly [string, number]>, now: number): void {
    const live = [...entries].filter(([, until]) => until > now).map(([key, until]) => [key, Math.min(until, now + this.ttlMs)] as const);
    live.sort((a, b) => a[1] - b[1]);
    for (const [key, until] of live) {
      this.until.delete(key);
      this.until.set(key, until);
    }
    while (this.until.size > this.max) this.until.delete(this.until.keys().next().value!);
  }

  /** Every entry as [key, expiry], oldest first. */
  entries(): IterableIterator<[string, number]> {
    return this.until.entries();
  }

  get size(): number {
    return this.until.size;
  }
}
