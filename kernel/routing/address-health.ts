/**
 * The health and load of one backend address: healthy or ejected, the consecutive probe or
 * connect results that move it between the two (see health-policy.ts), and its live connections
 * (what `least_connections` reads). Pure state: the pool decides when to call it.
 */
import type { HealthPolicy } from './health-policy.ts';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly weight: number;
}

/** A change of an address's health, as the pool reports it (BackendHealthChange). */
export interface HealthChange {
  readonly healthy: boolean;
  readonly reason: string;
}

export class AddressHealth {
  healthy = true;
  /** Live connections through this address (players relayed or logged in). */
  live = 0;
  /** Consecutive failures while healthy, consecutive probe successes while ejected. */
  private streak = 0;
  /** When the address was last ejected (ms), for passive marks that expire. */
  ejectedAt = 0;
  lastReason = '';
  /** Smooth weighted round robin's running weight (balancer.ts). */
  current = 0;
  /** When the next probe is due (ms since epoch); 0 = as soon as probes run. */
  nextProbeAt = 0;
  probing = false;

  constructor(
    readonly key: string,
    public endpoint: Endpoint,
    /** False for addresses built from wildcard captures: nobody probes them. */
    readonly literal: boolean,
  ) {}

  /** Weight as balancing uses it: 0 counts as 1 (the config warns). */
  get weight(): number {
    return Math.max(1, this.endpoint.weight);
  }

  /** A failed probe or player connect. Returns the change when it ejected the address. */
  fail(reason: string, policy: HealthPolicy, now: number): HealthChange | undefined {
    this.lastReason = reason;
    if (!this.healthy) {
      this.streak = 0; // an ejected address needs `healthyAfter` successes in a row
      return undefined;
    }
    if (++this.streak < policy.unhealthyAfter) return undefined;
    this.healthy = false;
    this.streak = 0;
    this.ejectedAt = now;
    this.nextProbeAt = now + policy.unhealthyInterval;
    return { healthy: false, reason };
  }

  /**
   * A good probe, or (`proven`) a player's connect that got through: the latter restores the
   * address at once. Returns the change when it restored the address.
   */
  succeed(policy: HealthPolicy, proven: boolean, reason: string): HealthChange | undefined {
    if (this.healthy) {
      this.streak = 0;
      return undefined;
    }
    if (!proven && ++this.streak < policy.healthyAfter) return undefined;
    this.healthy = true;
    this.streak = 0;
    this.lastReason = reason;
    return { healthy: true, reason };
  }

  /**
   * Where no probe runs (probes off, or an address built from captures) a passive mark lasts
   * `unhealthyInterval`: then the address is tried again.
   */
  expire(policy: HealthPolicy, now: number): HealthChange | undefined {
    if (this.healthy || (policy.probe && this.literal) || now - this.ejectedAt < policy.unhealthyInterval) return undefined;
    this.healthy = true;
    this.streak = 0;
    return { healthy: true, reason: `passive mark expired after ${policy.unhealthyInterval} ms` };
  }
}
