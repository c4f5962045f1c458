/**
 * `[rate_limit]` in infrarust.toml, per client IP. This plugin owns the schema (plugin.json
 * `sections`); the proxy validates the file with it before anything starts.
 *
 * On by default with generous limits: 20 logins and 300 pings per client per 10 s. Off only with
 * an explicit `enabled = false`; limits written without `enabled` apply. (v2 defaulted to
 * `enabled = false` with 3 logins per 10 s, so a v2 table that set limits did nothing.) A zero
 * window is refused when the file says `enabled = true` (v2's rule); without it, a zero window
 * turns that budget off, so a v2 file that was valid while disabled still loads.
 */
import { z } from 'zod';
import { duration } from '../../sdk/index.ts';

const U32 = z.number().int().min(0).max(0xffff_ffff);

/** A LAN party behind one NAT joins at once; a flood from one address gets 2 logins a second. */
export const DEFAULT_LOGINS = 20;
/** Server lists of a whole LAN refreshing at once; the status cache answers repeats. */
export const DEFAULT_PINGS = 300;
export const DEFAULT_WINDOW = '10s';

export const RateLimitSchema = z
  .strictObject({
    enabled: z.boolean().optional(),
    max_connections: U32.default(DEFAULT_LOGINS),
    window: duration().prefault(DEFAULT_WINDOW),
    status_max: U32.default(DEFAULT_PINGS),
    status_window: duration().prefault(DEFAULT_WINDOW),
  })
  .superRefine((rl, ctx) => {
    if (rl.enabled !== true) return;
    for (const key of ['window', 'status_window'] as const) {
      if (rl[key] === 0) ctx.addIssue({ code: 'custom', path: [key], message: 'must be greater than zero while rate limiting is enabled' });
    }
  })
  .transform(({ enabled, ...limits }) => ({ enabled: enabled ?? true, ...limits }));

export type RateLimitSettings = z.output<typeof RateLimitSchema>;
