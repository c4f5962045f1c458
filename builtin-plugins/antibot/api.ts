/**
 * The `antibot` service other plugins (a metrics exporter, an admin API) read:
 * `ctx.services.get('antibot')`, typed as AntibotService once this file is imported (types only).
 *
 * @example
 * import type {} from '../antibot/api.ts';
 * const s = ctx.services.get('antibot')?.stats();
 * if (s?.attack) ctx.log.warn({ joinsPerSecond: s.joinsPerSecond, held: s.held }, 'under a bot attack');
 */

/** The service name the antibot plugin provides. */
export const ANTIBOT_SERVICE = 'antibot';

/** Counters since the plugin loaded. `failed` = `failedWrongCode` + `failedTimeout`. */
export interface AntibotStats {
  /** Attack mode is on: unverified players are checked. */
  readonly attack: boolean;
  /** Logins per second over all addresses, measured over the sliding window. */
  readonly joinsPerSecond: number;
  /** Checks passed (the code was typed). */
  readonly passed: number;
  /** Checks failed: too many wrong codes, or no answer within check_timeout. */
  readonly failed: number;
  readonly failedWrongCode: number;
  readonly failedTimeout: number;
  /** Players who disconnected during the check (not counted as failed). */
  readonly left: number;
  /** Players refused at once because max_held were already being checked. */
  readonly refused: number;
  /** Players held in the check now. */
  readonly held: number;
  /** Joins let through during an attack because they were verified before. */
  readonly remembered: number;
  /** Verified players remembered now. */
  readonly verifiedKnown: number;
  /** Attacks seen (attack mode turned on). */
  readonly attacks: number;
}

export interface AntibotService {
  stats(): AntibotStats;
}

/** Types `ctx.services.get('antibot')` for every plugin that imports this file. */
declare module 'infrarust/sdk' {
  interface ServiceMap {
    antibot: AntibotService;
  }
}
