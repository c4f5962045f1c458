/**
 * Premium detection: is this name a paid Mojang account? `GET <lookup_url><name>` answers 200
 * with a profile when it is, 204/404 when not. Answers are cached for `cache_ttl`; a failed
 * lookup (timeout, 429, 5xx) is not cached and counts as "unknown" (the player stays offline,
 * v2's `rate_limit_action = "allow_offline"`). A name whose online authentication failed is
 * remembered as cracked for `failed_auth_remember`, so the next attempt plays offline.
 */
export type Lookup = 'premium' | 'cracked' | 'unknown';

export interface PremiumSettings {
  lookup_url: string;
  lookup_timeout: number;
  cache_ttl: number;
  failed_auth_remember: number;
}

export class PremiumDetector {
  private readonly cache = new Map<string, { answer: 'premium' | 'cracked'; until: number }>();
  private readonly failed = new Map<string, number>();

  constructor(private readonly settings: PremiumSettings, private readonly signal: AbortSignal, private readonly now: () => number = Date.now) {}

  /** True when the name failed online auth within `failed_auth_remember`. */
  rememberedCracked(name: string): boolean {
    const until = this.failed.get(name.toLowerCase());
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.failed.delete(name.toLowerCase());
    return false;
  }

  rememberCracked(name: string): void {
    this.failed.set(name.toLowerCase(), this.now() + this.settings.failed_auth_remember);
  }

  async lookup(name: string): Promise<Lookup> {
    const key = name.toLowerCase();
    const hit = this.cache.get(key);
    if (hit !== undefined && hit.until > this.now()) return hit.answer;
    const answer = /^[A-Za-z0-9_]{1,16}$/.test(name) ? await this.ask(name) : 'cracked';
    if (answer !== 'unknown') this.cache.set(key, { answer, until: this.now() + this.settings.cache_ttl });
    return answer;
  }

  /** Drops expired cache and memory entries (called on a timer). */
  prune(): void {
    const now = this.now();
    for (const [k, v] of this.cache) if (v.until <= now) this.cache.delete(k);
    for (const [k, until] of this.failed) if (until <= now) this.failed.delete(k);
  }

  private async ask(name: string): Promise<Lookup> {
    try {
      const response = await fetch(`${this.settings.lookup_url}${encodeURIComponent(name)}`, {
        signal: AbortSignal.any([this.signal, AbortSignal.timeout(this.settings.lookup_timeout)]),
        headers: { accept: 'application/json' },
      });
      if (response.status === 204 || response.status === 404) return 'cracked';
      if (response.status !== 200) return 'unknown';
      const text = await response.text();
      if (text.trim() === '') return 'cracked';
      const body = JSON.parse(text) as { id?: unknown } | null;
      return typeof body?.id === 'string' ? 'premium' : 'cracked';
    } catch {
      return 'unknown';
    }
  }
}
