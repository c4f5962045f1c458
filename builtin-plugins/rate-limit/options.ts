/**
 * The shape of `[rate_limit]` as the kernel resolves it (durations in ms). Plugins may not
 * import the kernel, so the shape is restated here and checked once at setup. The kernel's
 * defaults are `enabled = false`, 3 logins and 300 pings per 10 s; the same defaults apply here
 * when the section is missing (e.g. a host without a proxy), so nothing is limited then.
 */
import { z } from 'zod';

const Count = z.number().int().min(0);
const Millis = z.number().min(0);

export const RateLimitSection = z.object({
  enabled: z.boolean().default(false),
  max_connections: Count.default(3),
  window: Millis.default(10_000),
  status_max: Count.default(300),
  status_window: Millis.default(10_000),
});

export type RateLimitSettings = z.output<typeof RateLimitSection>;
