/**
 * The Prometheus registry: counters and histograms fed by proxy events (lifecycle.ts), gauges
 * read from the proxy when scraped (connections by phase, players by server and mode, backend
 * address health), the kernel's counters (stats.ts: relay bytes, limbo, status cache, event
 * listener timings), and prom-client's process metrics (CPU, memory, event loop lag, GC).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { PluginContext } from 'infrarust/sdk';
import { registerKernelStats } from './stats.ts';

/** Seconds; handshakes are sub-millisecond on loopback, joins take tens of ms to seconds. */
const HANDSHAKE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];
const JOIN_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type PromMetrics = ReturnType<typeof createMetrics>;

export function createMetrics(ctx: PluginContext) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const r = [registry];
  registerKernelStats(ctx, registry);
  return {
    registry,
    connectionsTotal: new Counter({ name: 'infrarust_connections_accepted_total', help: 'TCP connections accepted by the proxy listener', registers: r }),
    handshakes: new Counter({ name: 'infrarust_handshakes_total', help: 'Handshakes read, by intent (status, login, transfer, legacy) and whether a server matched', labelNames: ['intent', 'routed'], registers: r }),
    pings: new Counter({ name: 'infrarust_pings_total', help: 'Server-list pings (status handshakes, unknown domains included)', registers: r }),
    joins: new Counter({ name: 'infrarust_joins_total', help: 'Players that reached a backend (first server of a connection)', labelNames: ['server'], registers: r }),
    switches: new Counter({ name: 'infrarust_server_switches_total', help: 'Players moved between servers', registers: r }),
    rejected: new Counter({ name: 'infrarust_connections_rejected_total', help: 'Connections refused, by reason (unknown-domain, plugin-denied, backend-unreachable, a transport filter reason)', labelNames: ['reason'], registers: r }),
    backendFailures: new Counter({ name: 'infrarust_backend_connect_failures_total', help: 'Logins refused because no backend address answered', registers: r }),
    healthChanges: new Counter({ name: 'infrarust_backend_health_changes_total', help: 'Backend addresses marked unhealthy or healthy', labelNames: ['server', 'healthy'], registers: r }),
    handshakeSeconds: new Histogram({ name: 'infrarust_handshake_duration_seconds', help: 'From accept to a routed handshake', buckets: HANDSHAKE_BUCKETS, registers: r }),
    joinSeconds: new Histogram({ name: 'infrarust_join_duration_seconds', help: 'From accept to the backend connection of a login (ServerConnected)', labelNames: ['server'], buckets: JOIN_BUCKETS, registers: r }),
    connections: new Gauge({
      name: 'infrarust_connections',
      help: 'Live connections by phase',
      labelNames: ['phase'],
      registers: r,
      collect() {
        this.reset();
        for (const c of ctx.proxy.connections()) this.inc({ phase: c.phase });
      },
    }),
    players: new Gauge({
      name: 'infrarust_players',
      help: 'Players online by server and mode (passthrough, intercepted)',
      labelNames: ['server', 'mode'],
      registers: r,
      collect() {
        this.reset();
        for (const p of ctx.proxy.players()) this.inc({ server: p.serverId ?? '', mode: p.mode });
      },
    }),
    backendUp: new Gauge({
      name: 'infrarust_backend_up',
      help: "1 while a backend address is healthy for the load balancer, 0 while it is ejected",
      labelNames: ['server', 'address'],
      registers: r,
      collect() {
        this.reset();
        for (const s of ctx.proxy.servers()) for (const h of s.health ?? []) this.set({ server: s.id, address: h.address }, h.healthy ? 1 : 0);
      },
    }),
    plugins: new Gauge({
      name: 'infrarust_plugins',
      help: 'Plugins by state',
      labelNames: ['state'],
      registers: r,
      collect() {
        this.reset();
        for (const p of ctx.proxy.plugins()) this.inc({ state: p.state });
      },
    }),
  };
}

/** At most this many distinct rejection reasons become labels; later new ones count as "other". */
const MAX_REASONS = 32;

export function reasonLabel(seen: Set<string>, reason: string): string {
  if (seen.has(reason)) return reason;
  if (seen.size >= MAX_REASONS || !/^[a-z0-9_.:-]{1,40}$/i.test(reason)) return 'other';
  seen.add(reason);
  return reason;
}
