/**
 * Load balancing across a server's addresses (newer v2): the `balance` strategy and the
 * `[active_health]` prober, which is global and may be overridden whole per server.
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/duration.ts';

/** `first_available` (ordered failover, the v2 default), `round_robin` or `least_conn`. */
export const BalanceStrategySchema = z.enum(['first_available', 'round_robin', 'least_conn']);

export type BalanceStrategy = z.output<typeof BalanceStrategySchema>;

/** `[active_health]`: background probes that bring ejected addresses back into rotation. */
export const ActiveHealthSchema = z.strictObject({
  enabled: z.boolean().default(true),
  kind: z.enum(['tcp', 'status_ping']).default('tcp'),
  unhealthy_interval: positiveDuration().prefault('10s'),
  probe_healthy: z.boolean().default(false),
  interval: positiveDuration().prefault('30s'),
  timeout: positiveDuration().prefault('3s'),
  max_concurrent: z.number().int().min(1).default(8),
});

export type ActiveHealthConfig = z.output<typeof ActiveHealthSchema>;
