/**
 * Status cache: backend status responses kept for `ttl`, at most `maxEntries` (least recently
 * used evicted first). One backend request per key at a time: concurrent pings share it (no
 * stampede), and an expired entry is served at once while a single refresh runs behind it.
 * Failures are remembered for `ttl` too, so a dead backend is not dialled for every ping.
 * Keys must not come from the client as they are (see protocol-eras.ts): every distinct key
 * costs a backend request and can push a real entry out.
 */
export type StatusLookup<V = string> =
  | { ok: true; value: V; source: 'cache' | 'backend' | 'stale' }
  | { ok: false; error: unknown };

interface Entry<V> {
  at: number;
  ok: boolean;
  value?: V;
  error?: unknown;
}

export interface StatusCacheOptions {
  ttlMs: number;
  maxEntries: number;
  now?: () => number;
}

export class StatusCache<V = string> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inflight = new Map<string, Promise<Entry<V>>>();
  private readonly now: () => number;

  constructor(private readonly options: StatusCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  async get(key: string, fetch: () => Promise<V>): Promise<StatusLookup<V>> {
    const entry = this.touch(key);
    const fresh = entry !== undefined && this.now() - entry.at < this.options.ttlMs;
    if (entry !== undefined && fresh) return toLookup(entry, 'cache');
    const pending = this.inflight.get(key) ?? this.refresh(key, fetch);
    if (entry?.ok === true) return toLookup(entry, 'stale');
    return toLookup(await pending, 'backend');
  }

  /** Drops everything (config changed: MOTDs, addresses or favicons may differ). */
  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private touch(key: string): Entry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  private refresh(key: string, fetch: () => Promise<V>): Promise<Entry<V>> {
    const run = async (): Promise<Entry<V>> => {
      try {
        return { at: this.now(), ok: true, value: await fetch() };
      } catch (error) {
        return { at: this.now(), ok: false, error };
      }
    };
    const pending = run().then((entry) => {
      this.inflight.delete(key);
      this.store(key, entry);
      return entry;
    });
    this.inflight.set(key, pending);
    return pending;
  }

  private store(key: string, entry: Entry<V>): void {
    if (this.options.ttlMs <= 0 || this.options.maxEntries <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

function toLookup<V>(entry: Entry<V>, source: 'cache' | 'backend' | 'stale'): StatusLookup<V> {
  return entry.ok ? { ok: true, value: entry.value as V, source } : { ok: false, error: entry.error };
}
