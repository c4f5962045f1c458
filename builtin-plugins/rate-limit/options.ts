/**
 * `[rate_limit]` in infrarust.toml, per client IP. This plugin owns the schema (plugin.json
 * `sections`); the proxy validates the file with it before anything starts. Defaults are the
 * newer v2 ones: disabled, 3 logins and 300 pings per 10 s. Windows may be "0s" while disabled
 * (v2 only rejects zero windows when enabled).
 */
import { z } from 'zod';
import { duration } from '../../sdk/index.ts';

const U32 = z.number().int().min(0).max(0xffff_ffff);

export const RateLimitSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    max_connections: U32.default(3),
    window: duration().prefault('10s'),
    status_max: U32.default(300),
    status_window: duration().prefault('10s'),
  })
  .superRefine((rl, ctx) => {
    if (!rl.enabled) return;
    for (const key of ['window', 'status_window'] as const) {
      if (rl[key] === 0) ctx.addIssue({ code: 'custom', path: [key], message: 'must be greater than zero while rate limiting is enabled' });
    }
  });

export type RateLimitSettings = z.output<typeof RateLimitSchema>;
