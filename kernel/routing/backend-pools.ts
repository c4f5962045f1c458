/**
 * The proxy's load balancing and health state: one BackendPool per server id, rebuilt on every
 * server-file reload (state kept for addresses that stay), and the one HealthChecker that probes
 * them. Sessions ask `dial(server)` for the order to try; the proxy reads `status(id)` for
 * `servers` / `server <id>` and forwards health changes to the EventBus.
 */
import type { ProxyConfig } from '../config/schema-global.ts';
import type { BackendAddress } from '../config/schema-address.ts';
import { HealthChecker, type ProbeJob } from '../net/health-checker.ts';
import type { ProbeTarget } from '../net/health-probe.ts';
import { BackendPool, type AddressStatus, type BackendDial, type ChangeListener, type PoolServer } from './backend-pool.ts';
import type { Rng } from './balancer.ts';

export type { AddressStatus, BackendDial, Lifetime } from './backend-pool.ts';

export interface BackendPoolsOptions {
  onChange: ChangeListener;
  rng?: Rng;
  probe?: (target: ProbeTarget) => Promise<void>;
}

type PoolsConfig = Pick<ProxyConfig, 'active_health' | 'connect_max_attempts'>;

export class BackendPools {
  private pools = new Map<string, BackendPool>();
  private readonly checker: HealthChecker;

  constructor(private config: PoolsConfig, private readonly options: BackendPoolsOptions) {
    this.checker = new HealthChecker({ due: (now) => this.dueProbes(now), maxConcurrent: config.active_health.max_concurrent, probe: options.probe });
  }

  /** The server set changed: pools follow it, probes are rescheduled. */
  update(servers: Iterable<PoolServer>): void {
    const next = new Map<string, BackendPool>();
    for (const server of servers) {
      const pool = this.pools.get(server.id);
      if (pool === undefined) next.set(server.id, new BackendPool(server, this.config, this.options.onChange, this.options.rng));
      else {
        pool.update(server, this.config);
        next.set(server.id, pool);
      }
    }
    this.pools = next;
    this.checker.schedule(tickFor(next.values()));
  }

  /**
   * The order to dial `server`'s addresses in (its own, or those its wildcard captures built),
   * and the callbacks that keep health and connection counts. A server the pools do not know
   * (a test driving a session alone) is dialled in configuration order.
   */
  dial(server: PoolServer, addresses: readonly BackendAddress[] = server.addresses): BackendDial {
    const pool = this.pools.get(server.id);
    if (pool !== undefined) return pool.dial(addresses);
    return { addresses: [...addresses], failed: () => {}, connected: () => {} };
  }

  status(serverId: string): AddressStatus[] | undefined {
    return this.pools.get(serverId)?.status();
  }

  stop(): void {
    this.checker.stop();
  }

  private dueProbes(now: number): ProbeJob[] {
    const jobs: ProbeJob[] = [];
    for (const pool of this.pools.values()) {
      for (const state of pool.dueProbes(now)) {
        jobs.push({ target: probeTarget(pool, state.endpoint), done: (error) => pool.probed(state, error) });
      }
    }
    return jobs;
  }
}

function probeTarget(pool: BackendPool, address: BackendAddress): ProbeTarget {
  const domain = pool.server.domains.find((d) => !d.includes('*') && !d.includes('?'));
  return { address, kind: pool.policy.kind, timeoutMs: pool.policy.timeout, handshakeHost: domain ?? address.host, proxyHeader: pool.server.send_proxy_protocol };
}

/** A quarter of the shortest probe interval, between 20 ms and 1 s; 0 when nothing is probed. */
function tickFor(pools: Iterable<BackendPool>): number {
  let shortest = Infinity;
  for (const { policy } of pools) {
    if (!policy.probe) continue;
    shortest = Math.min(shortest, policy.unhealthyInterval, policy.healthyInterval || Infinity);
  }
  return shortest === Infinity ? 0 : Math.min(1000, Math.max(20, Math.floor(shortest / 4)));
}
