/**
 * The `ban` service other plugins use: `ctx.services.get('ban')`, typed as BanService once this
 * file is imported (types only; the implementation is the plugin's).
 *
 * @example
 * import type {} from '../ban/api.ts';
 * const bans = ctx.services.get('ban');
 * await bans?.ban({ type: 'username', value: 'Griefer' }, { reason: 'griefing', durationMs: 86_400_000, source: 'plugin:anticheat' });
 */

/** The service name the ban plugin provides. */
export const BAN_SERVICE = 'ban';

/** `ip_range` is this proxy's extension of Infrarust v2's three target kinds. */
export type BanTargetType = 'ip' | 'ip_range' | 'username' | 'uuid';

/** As in bans.json: `{ "type": "username", "value": "Griefer" }`. */
export interface BanTarget {
  readonly type: BanTargetType;
  readonly value: string;
}

/** One ban, exactly as stored in bans.json (times in epoch seconds; `expires_at` null = permanent). */
export interface BanEntry {
  readonly target: BanTarget;
  readonly reason: string | null;
  readonly expires_at: number | null;
  readonly created_at: number;
  readonly source: string;
}

export interface AuditEntry {
  readonly action: 'ban' | 'unban' | 'expired';
  readonly target: BanTarget;
  readonly reason: string | null;
  readonly source: string;
  readonly timestamp: number;
}

export interface BanOptions {
  reason?: string;
  /** Absent = permanent. */
  durationMs?: number;
  /** Who banned, e.g. `console`, `plugin:anticheat`. Default `plugin`. */
  source?: string;
}

/** What is known about a connecting or connected player; any field may be absent. */
export interface BanQuery {
  ip?: string;
  username?: string;
  uuid?: string;
}

export interface BanService {
  /**
   * Bans (replacing an existing ban of the same target) and disconnects matching connected
   * players. Resolves once the ban file is written; rejects on an invalid target or a failed
   * write (the ban is still enforced in memory until restart).
   */
  ban(target: BanTarget, options?: BanOptions): Promise<BanEntry>;
  /** Lifts a ban; resolves with the removed entry, or undefined if the target was not banned. */
  unban(target: BanTarget, source?: string): Promise<BanEntry | undefined>;
  /** The active ban of exactly this target (no range matching). */
  get(target: BanTarget): BanEntry | undefined;
  /** Every active ban. */
  list(): BanEntry[];
  /** The active ban that applies to this player or address (IP, ranges, name, UUID), if any. */
  check(query: BanQuery): BanEntry | undefined;
  isBanned(query: BanQuery): boolean;
}

/** Types `ctx.services.get('ban')` for every plugin that imports this file. */
declare module 'infrarust/sdk' {
  interface ServiceMap {
    ban: BanService;
  }
}
