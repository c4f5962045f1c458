/**
 * The ban list in memory: exact targets in one map, ranges indexed by prefix length, expiry
 * against an injected clock, and the capped audit log. Pure: no files, no timers.
 */
import type { AuditEntry, BanEntry, BanOptions, BanQuery, BanTarget } from './api.ts';
import { formatIp, parseCidr, parseIp, type Ip } from './ip.ts';
import { RangeIndex } from './range-index.ts';
import { normaliseTarget, normaliseUuid, targetKey } from './target.ts';

export interface BanData {
  bans: BanEntry[];
  audit_log: AuditEntry[];
}

export interface StoreOptions {
  /** Milliseconds since the epoch. */
  now?: () => number;
  /** Record new ban/unban/expired entries (old ones are always kept, up to the cap). */
  auditLog?: boolean;
  auditCap?: number;
}

export const DEFAULT_AUDIT_CAP = 10_000;

export class BanStore {
  private readonly entries = new Map<string, BanEntry>();
  /** Login-time indexes without the `type:` prefix (no string building per login). */
  private readonly byName = new Map<string, BanEntry>();
  private readonly byUuid = new Map<string, BanEntry>();
  private readonly ranges = new RangeIndex<BanEntry>();
  private readonly audit: AuditEntry[];
  private readonly now: () => number;
  private readonly auditOn: boolean;
  private readonly auditCap: number;
  /**
   * Players reconnect from the same addresses, and each connection asks at accept and again at
   * login: the answer is kept per address text until the ban list changes (or the ban found
   * expires). Bounded, so a flood of distinct addresses only costs the lookup it would anyway.
   */
  private readonly verdicts = new Map<string, { version: number; entry: BanEntry | undefined }>();
  /** Bumped by every change to the list; older verdicts are recomputed. */
  private version = 0;
  /** IP and range bans held (expired ones included until purged). */
  private addressBans = 0;

  constructor(data: BanData = { bans: [], audit_log: [] }, options: StoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.auditOn = options.auditLog ?? true;
    this.auditCap = options.auditCap ?? DEFAULT_AUDIT_CAP;
    for (const entry of data.bans) this.put({ ...entry, target: normaliseTarget(entry.target) });
    this.audit = data.audit_log.slice(-this.auditCap);
  }

  /** Bans a target (replacing its previous ban) and returns the new entry. */
  add(target: BanTarget, options: BanOptions = {}): BanEntry {
    const now = this.now();
    const duration = options.durationMs;
    if (duration !== undefined && !(Number.isFinite(duration) && duration > 0)) throw new RangeError(`ban duration must be a positive number of ms, got ${duration}`);
    const entry: BanEntry = {
      target: normaliseTarget(target),
      reason: options.reason === undefined || options.reason === '' ? null : options.reason,
      expires_at: duration === undefined ? null : Math.ceil((now + duration) / 1000),
      created_at: Math.floor(now / 1000),
      source: options.source ?? 'plugin',
    };
    this.delete(targetKey(entry.target));
    this.put(entry);
    this.record('ban', entry.target, entry.reason, entry.source);
    return entry;
  }

  /** Lifts a ban; returns it, or undefined when the target had none (expired ones count as none). */
  remove(target: BanTarget, source = 'plugin'): BanEntry | undefined {
    const canonical = normaliseTarget(target);
    const entry = this.delete(targetKey(canonical));
    if (entry === undefined) return undefined;
    this.record('unban', canonical, null, source);
    return this.isExpired(entry) ? undefined : entry;
  }

  /** The active ban of exactly this target. */
  get(target: BanTarget): BanEntry | undefined {
    return this.active(this.entries.get(targetKey(normaliseTarget(target))));
  }

  list(): BanEntry[] {
    return [...this.entries.values()].filter((e) => !this.isExpired(e));
  }

  /** The ban that applies to an address: the address itself, then any range holding it. */
  checkAddress(address: string): BanEntry | undefined {
    const known = this.verdicts.get(address);
    if (known !== undefined && known.version === this.version && (known.entry === undefined || !this.isExpired(known.entry))) return known.entry;
    const entry = this.lookupAddress(address);
    if (this.verdicts.size >= 4096) this.verdicts.clear();
    this.verdicts.set(address, { version: this.version, entry });
    return entry;
  }

  private lookupAddress(address: string): BanEntry | undefined {
    const ip = parseIp(address);
    if (ip === undefined) return undefined;
    const exact = this.active(this.entries.get(`ip:${formatIp(ip)}`));
    if (exact !== undefined) return exact;
    for (const entry of this.ranges.matches(ip)) if (!this.isExpired(entry)) return entry;
    return undefined;
  }

  /** The ban that applies to anything known about a player: address, username, UUID. */
  check(query: BanQuery): BanEntry | undefined {
    if (query.ip !== undefined) {
      const byIp = this.checkAddress(query.ip);
      if (byIp !== undefined) return byIp;
    }
    if (query.username !== undefined && query.username !== '' && this.byName.size > 0) {
      const byName = this.active(this.byName.get(query.username.toLowerCase()));
      if (byName !== undefined) return byName;
    }
    if (query.uuid === undefined || this.byUuid.size === 0) return undefined;
    const uuid = uuidKey(query.uuid);
    return uuid === undefined ? undefined : this.active(this.byUuid.get(uuid));
  }

  /** Removes expired bans, records them as `expired`, and returns them. */
  purge(): BanEntry[] {
    const expired = [...this.entries.entries()].filter(([, e]) => this.isExpired(e));
    for (const [key, entry] of expired) {
      this.delete(key);
      this.record('expired', entry.target, entry.reason, 'system');
    }
    return expired.map(([, e]) => e);
  }

  /** Milliseconds until the ban ends, or undefined when it is permanent. */
  remainingMs(entry: BanEntry): number | undefined {
    return entry.expires_at === null ? undefined : Math.max(0, entry.expires_at * 1000 - this.now());
  }

  /** What goes to the file: every ban not yet purged, and the audit log. */
  snapshot(): BanData {
    return { bans: [...this.entries.values()], audit_log: [...this.audit] };
  }

  get size(): number {
    return this.entries.size;
  }

  /** How many IP and range bans the list holds (until purged, expired ones count). */
  get addressBanCount(): number {
    return this.addressBans;
  }

  private isExpired(entry: BanEntry): boolean {
    return entry.expires_at !== null && this.now() >= entry.expires_at * 1000;
  }

  private active(entry: BanEntry | undefined): BanEntry | undefined {
    return entry === undefined || this.isExpired(entry) ? undefined : entry;
  }

  private put(entry: BanEntry): void {
    this.version++;
    const key = targetKey(entry.target);
    if (this.entries.has(key)) this.delete(key);
    this.entries.set(key, entry);
    if (entry.target.type === 'ip' || entry.target.type === 'ip_range') this.addressBans++;
    if (entry.target.type === 'ip_range') this.ranges.add(parseCidr(entry.target.value)!, entry);
    else if (entry.target.type === 'username') this.byName.set(entry.target.value.toLowerCase(), entry);
    else if (entry.target.type === 'uuid') this.byUuid.set(entry.target.value, entry);
  }

  private delete(key: string): BanEntry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.version++;
    this.entries.delete(key);
    if (entry.target.type === 'ip' || entry.target.type === 'ip_range') this.addressBans--;
    if (entry.target.type === 'ip_range') this.ranges.remove(parseCidr(entry.target.value)!, entry);
    else if (entry.target.type === 'username') this.byName.delete(entry.target.value.toLowerCase());
    else if (entry.target.type === 'uuid') this.byUuid.delete(entry.target.value);
    return entry;
  }

  private record(action: AuditEntry['action'], target: BanTarget, reason: string | null, source: string): void {
    if (!this.auditOn) return;
    this.audit.push({ action, target, reason, source, timestamp: Math.floor(this.now() / 1000) });
    if (this.audit.length > this.auditCap) this.audit.splice(0, this.audit.length - this.auditCap);
  }
}

/**
 * The byUuid key for a login's UUID. The kernel hands over dashed lowercase text: anything of
 * that shape is used as it is (one that is not hex matches no ban, since only valid UUIDs are
 * stored), which skips a full validation on every login; other forms are normalised.
 */
function uuidKey(text: string): string | undefined {
  if (text.length === 36 && text.charCodeAt(8) === 45 && text.charCodeAt(13) === 45 && text.charCodeAt(18) === 45 && text.charCodeAt(23) === 45 && text === text.toLowerCase()) return text;
  return normaliseUuid(text);
}
