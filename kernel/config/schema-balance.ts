/**
 * Load balancing across a server's addresses: the `balance` strategy, v2's `[active_health]`
 * prober (global, overridable whole per server) and the per-server `[health_check]` of issue 13.
 *
 * Both health tables resolve to one model, `HealthPolicy` (kernel/routing/health-policy.ts):
 * `[health_check]` is `[active_health]` with `kind = "status_ping"`, `probe_healthy = true` and
 * the same interval for healthy and unhealthy addresses. v2's names keep working: `least_conn`
 * is read as `least_connections`.
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/duration.ts';

/**
 * `first_available` (ordered failover, the default), `round_robin`, `least_connections` (v2's
 * `least_conn` is an alias) or `random`; all weighted by the addresses' `weight`.
 */
export const BalanceStrategySchema = z
  .enum(['first_available', 'round_robin', 'least_conn', 'least_connections', 'random'])
  .transform((s) => (s === 'least_conn' ? 'least_connections' : s));

export type BalanceStrategy = z.output<typeof BalanceStrategySchema>;

const COUNT = z.number().int().min(1).max(1000);

/** `[active_health]` (v2): background probes that bring ejected addresses back into rotation. */
export const ActiveHealthSchema = z.strictObject({
  enabled: z.boolean().default(true),
  kind: z.enum(['tcp', 'status_ping']).default('tcp'),
  unhealthy_interval: positiveDuration().prefault('10s'),
  probe_healthy: z.boolean().default(false),
  interval: positiveDuration().prefault('30s'),
  timeout: positiveDuration().prefault('3s'),
  max_concurrent: z.number().int().min(1).default(8),
  unhealthy_after: COUNT.default(1),
  healthy_after: COUNT.default(1),
});

export type ActiveHealthConfig = z.output<typeof ActiveHealthSchema>;

/**
 * `[health_check]` (issue 13, per server): a status ping to every address each `interval`;
 * `unhealthy_after` consecutive failures (probes or players' connect failures) take an address
 * out of rotation, `healthy_after` consecutive successful probes bring it back.
 */
export const HealthCheckSchema = z.strictObject({
  enabled: z.boolean().default(true),
  kind: z.enum(['tcp', 'status_ping']).default('status_ping'),
  interval: positiveDuration().prefault('10s'),
  timeout: positiveDuration().prefault('3s'),
  unhealthy_after: COUNT.default(3),
  healthy_after: COUNT.default(2),
});

export type HealthCheckConfig = z.output<typeof HealthCheckSchema>;
