/**
 * One health model for both tables a user may write (kernel/config/schema-balance.ts):
 *
 * - v2's `[active_health]` (global, or a server's own replacing it whole): probes `kind` every
 *   `unhealthy_interval` against ejected addresses, and every `interval` against healthy ones
 *   only with `probe_healthy`. Ejection and recovery after `unhealthy_after` / `healthy_after`
 *   (both 1 by default, v2's behaviour: one connect failure ejects, one good probe restores).
 * - issue 13's per-server `[health_check]`: a status ping (default) of every address each
 *   `interval`, `unhealthy_after` (3) failures eject, `healthy_after` (2) successes restore.
 *
 * A player's failed connect counts as one failure towards `unhealthy_after` (passive marking);
 * a player's successful connect restores the address at once. With probes disabled a passive
 * mark expires after `unhealthy_interval`, so an address is never ejected forever.
 */
import type { ProxyConfig } from '../config/schema-global.ts';
import type { ServerConfig } from '../config/schema-server.ts';

export interface HealthPolicy {
  /** Background probes run for this server. */
  readonly probe: boolean;
  readonly kind: 'tcp' | 'status_ping';
  /** Probe period of healthy addresses; 0 when healthy addresses are not probed. */
  readonly healthyInterval: number;
  /** Probe period of ejected addresses (or, without probes, how long a passive mark lasts). */
  readonly unhealthyInterval: number;
  readonly timeout: number;
  readonly unhealthyAfter: number;
  readonly healthyAfter: number;
}

export function healthPolicy(server: Pick<ServerConfig, 'health_check' | 'active_health'>, config: Pick<ProxyConfig, 'active_health'>): HealthPolicy {
  const hc = server.health_check;
  if (hc !== undefined) {
    return { probe: hc.enabled, kind: hc.kind, healthyInterval: hc.interval, unhealthyInterval: hc.interval, timeout: hc.timeout, unhealthyAfter: hc.unhealthy_after, healthyAfter: hc.healthy_after };
  }
  const ah = server.active_health ?? config.active_health;
  return {
    probe: ah.enabled,
    kind: ah.kind,
    healthyInterval: ah.probe_healthy ? ah.interval : 0,
    unhealthyInterval: ah.unhealthy_interval,
    timeout: ah.timeout,
    unhealthyAfter: ah.unhealthy_after,
    healthyAfter: ah.healthy_after,
  };
}

/** `connect_max_attempts`: the server's, else the global one; 0 (global) means every address. */
export function maxAttempts(server: Pick<ServerConfig, 'connect_max_attempts'>, config: Pick<ProxyConfig, 'connect_max_attempts'>): number {
  const n = server.connect_max_attempts ?? config.connect_max_attempts;
  return n === 0 ? Infinity : n;
}
