/**
 * One server's addresses as the balancer sees them: health and live connections per address,
 * kept across config reloads for addresses that stay. Addresses built from wildcard captures
 * (`$1.internal`) get their state on first use, are never probed (only passively marked, the
 * mark expiring after `unhealthy_interval`) and are forgotten once idle and healthy.
 */
import type { ServerConfig } from '../config/schema-server.ts';
import type { ProxyConfig } from '../config/schema-global.ts';
import type { BackendAddress } from '../config/schema-address.ts';
import { formatHostPort } from '../../sdk/host-port.ts';
import { AddressHealth, type HealthChange } from './address-health.ts';
import { orderAddresses, type Rng } from './balancer.ts';
import { healthPolicy, maxAttempts, type HealthPolicy } from './health-policy.ts';

/** At most this many capture-built addresses are tracked per server (beyond: balanced, not marked). */
const MAX_DYNAMIC = 1024;

export type PoolServer = Pick<ServerConfig, 'id' | 'addresses' | 'balance' | 'health_check' | 'active_health' | 'connect_max_attempts' | 'domains' | 'send_proxy_protocol'>;

/** One address's state, as `servers` / `server <id>` and plugins see it. */
export interface AddressStatus {
  readonly address: string;
  readonly weight: number;
  readonly healthy: boolean;
  readonly connections: number;
  /** Why the address was last ejected or restored ('' when it never changed). */
  readonly reason: string;
}

/** Something whose end ends a backend connection (the backend socket, or a relayed client's). */
export interface Lifetime {
  once(event: 'close', listener: () => void): unknown;
}

/** What one connection attempt uses: the order to dial, and where to report what happened. */
export interface BackendDial {
  readonly addresses: BackendAddress[];
  failed(address: Dialled, cause: unknown): void;
  /** The address answered: counted as live until `lifetime` closes. */
  connected(address: Dialled, lifetime: Lifetime): void;
}

/** An address as dialled (the net layer drops the weight). */
export type Dialled = { readonly host: string; readonly port: number };

export type ChangeListener = (serverId: string, address: string, change: HealthChange) => void;

export class BackendPool {
  private readonly literal = new Map<string, AddressHealth>();
  private readonly dynamic = new Map<string, AddressHealth>();
  policy!: HealthPolicy;
  private attempts = Infinity;
  server!: PoolServer;

  constructor(server: PoolServer, config: Pick<ProxyConfig, 'active_health' | 'connect_max_attempts'>, private readonly onChange: ChangeListener, private readonly rng: Rng = Math.random, private readonly now: () => number = Date.now) {
    this.update(server, config);
  }

  /** A reloaded server file: keep the state of addresses that stay, drop the others. */
  update(server: PoolServer, config: Pick<ProxyConfig, 'active_health' | 'connect_max_attempts'>): void {
    this.server = server;
    this.policy = healthPolicy(server, config);
    this.attempts = maxAttempts(server, config);
    const keep = new Set<string>();
    for (const a of server.addresses) {
      if (a.host.includes('$')) continue;
      const key = formatHostPort(a);
      keep.add(key);
      const state = this.literal.get(key);
      if (state === undefined) this.literal.set(key, new AddressHealth(key, a, true));
      else state.endpoint = a;
    }
    for (const key of this.literal.keys()) if (!keep.has(key)) this.literal.delete(key);
  }

  /** The addresses one connection should try, in order (see balancer.ts). */
  dial(addresses: readonly BackendAddress[]): BackendDial {
    const now = this.now();
    const states = addresses.map((a) => this.stateOf(a, true)!);
    for (const s of states) this.report(s, s.expire(this.policy, now));
    const byState = new Map(states.map((s, i) => [s, addresses[i]!]));
    const ordered = orderAddresses(this.server.balance, states, this.attempts, this.rng).map((s) => byState.get(s)!);
    return {
      addresses: ordered,
      failed: (address, cause) => this.failed(address, cause),
      connected: (address, lifetime) => this.connected(address, lifetime),
    };
  }

  /** `addresses` with the healthy ones first, each group in configuration order (status pings). */
  healthyFirst(addresses: readonly BackendAddress[]): BackendAddress[] {
    const down = (a: BackendAddress): boolean => this.stateOf(a, false)?.healthy === false;
    return [...addresses.filter((a) => !down(a)), ...addresses.filter(down)];
  }

  failed(address: Dialled, cause: unknown): void {
    const state = this.stateOf(address, false);
    if (state !== undefined) this.report(state, state.fail(`connect failed: ${messageOf(cause)}`, this.policy, this.now()));
  }

  connected(address: Dialled, lifetime: Lifetime): void {
    const state = this.stateOf(address, false);
    if (state === undefined) return;
    this.report(state, state.succeed(this.policy, true, 'a player connected'));
    state.live++;
    lifetime.once('close', () => {
      state.live--;
      if (!state.literal && state.live === 0 && state.healthy) this.dynamic.delete(state.key);
    });
  }

  /** Literal addresses whose probe is due (marked in flight); none when probes are off. */
  dueProbes(now: number): AddressHealth[] {
    if (!this.policy.probe) return [];
    const due: AddressHealth[] = [];
    for (const s of this.literal.values()) {
      if (s.probing || now < s.nextProbeAt) continue;
      if (s.healthy && this.policy.healthyInterval === 0) continue;
      s.probing = true;
      due.push(s);
    }
    return due;
  }

  /** A probe finished: schedule the next one and apply the result. */
  probed(state: AddressHealth, error: Error | undefined): void {
    const now = this.now();
    state.probing = false;
    if (this.literal.get(state.key) !== state) return; // removed by a reload meanwhile
    const change = error === undefined ? state.succeed(this.policy, false, 'health check passed') : state.fail(`health check failed: ${error.message}`, this.policy, now);
    this.report(state, change);
    state.nextProbeAt = now + (state.healthy ? this.policy.healthyInterval : this.policy.unhealthyInterval);
  }

  status(): AddressStatus[] {
    return [...this.literal.values(), ...this.dynamic.values()].map((s) => ({
      address: s.key,
      weight: s.endpoint.weight,
      healthy: s.healthy,
      connections: s.live,
      reason: s.lastReason,
    }));
  }

  private stateOf(address: Dialled, create: boolean): AddressHealth | undefined {
    const key = formatHostPort(address);
    const known = this.literal.get(key) ?? this.dynamic.get(key);
    if (known !== undefined || !create) return known;
    const state = new AddressHealth(key, { host: address.host, port: address.port, weight: (address as BackendAddress).weight ?? 1 }, false);
    if (this.dynamic.size < MAX_DYNAMIC) this.dynamic.set(key, state);
    return state;
  }

  private report(state: AddressHealth, change: HealthChange | undefined): void {
    if (change !== undefined) this.onChange(this.server.id, state.key, change);
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
