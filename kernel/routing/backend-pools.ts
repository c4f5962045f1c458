/**
 * The proxy's load balancing and health state: one BackendPool per server id, rebuilt on every
 * server-file reload (state kept for addresses that stay). Sessions ask `dial(server)` for the
 * order to try; the proxy reads `status(id)` for `servers` / `server <id>`, forwards health
 * changes to the EventBus, and runs the probes `dueProbes` hands out (net/health-checker.ts
 * schedules them every `probeTickMs()`, status/health-probe.ts runs them).
 */
import type { ProxyConfig } from '../config/schema-global.ts';
import type { BackendAddress } from '../config/schema-address.ts';
import type { ProbeJob, ProbeTarget } from './probe-job.ts';
import { BackendPool, type AddressStatus, type BackendDial, type ChangeListener, type PoolServer } from './backend-pool.ts';
import type { Rng } from './balancer.ts';

export type { AddressStatus, BackendDial, Lifetime } from './backend-pool.ts';

export interface BackendPoolsOptions {
  onChange: ChangeListener;
  rng?: Rng;
}

type PoolsConfig = Pick<ProxyConfig, 'active_health' | 'connect_max_attempts'>;

export class BackendPools {
  private pools = new Map<string, BackendPool>();

  constructor(private readonly config: PoolsConfig, private readonly options: BackendPoolsOptions) {}

  /** The server set changed: pools follow it (reschedule probes with `probeTickMs()`). */
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
  }

  /** How often to look for due probes: a quarter of the shortest interval, 20 ms–1 s; 0 = none. */
  probeTickMs(): number {
    return tickFor(this.pools.values());
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

  /**
   * The order a status ping tries `server`'s addresses in: healthy first, then the others (a
   * status ping never marks anything and is never refused: it only avoids waiting on the dead).
   */
  statusOrder(server: PoolServer): readonly BackendAddress[] {
    return this.pools.get(server.id)?.healthyFirst(server.addresses) ?? server.addresses;
  }

  status(serverId: string): AddressStatus[] | undefined {
    return this.pools.get(serverId)?.status();
  }

  /** The probes due now, each marked in flight until its `done`. */
  dueProbes(now: number): ProbeJob[] {
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

function tickFor(pools: Iterable<BackendPool>): number {
  let shortest = Infinity;
  for (const { policy } of pools) {
    if (!policy.probe) continue;
    shortest = Math.min(shortest, policy.unhealthyInterval, policy.healthyInterval || Infinity);
  }
  return shortest === Infinity ? 0 : Math.min(1000, Math.max(20, Math.floor(shortest / 4)));
}
