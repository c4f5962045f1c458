/**
 * Proxy events → metrics (and traces when OpenTelemetry is on). Accept times come from a
 * transport filter with only onAccept/onClose (no data hooks, so relays keep their fast path);
 * they are forgotten at close, so the maps hold live connections only.
 */
import type { PluginContext } from 'infrarust/sdk';
import { reasonLabel, type PromMetrics } from './prom.ts';

/** What the OpenTelemetry side (otel.ts) is told; absent when telemetry is off. */
export interface LifecycleTracer {
  handshake(connectionId: number, acceptedAt: number, info: { remoteAddress: string; domain: string; serverId?: string; intent: string; protocolVersion: number }): void;
  connected(connectionId: number, info: { serverId: string; backend: string; username: string; uuid?: string }): void;
  rejected(connectionId: number, reason: string): void;
  closed(connectionId: number): void;
}

/** Epoch milliseconds with sub-ms precision. */
const nowMs = (): number => performance.timeOrigin + performance.now();

export function wireLifecycle(ctx: PluginContext, m: PromMetrics, tracer?: LifecycleTracer): void {
  const accepted = new Map<number, number>();
  const joined = new Set<number>();
  const reasons = new Set<string>();
  // Label children looked up once per label set: inc() on a child skips hashing the labels.
  const handshakeChild = memo((key: string) => {
    const [intent, routed] = key.split('|');
    return m.handshakes.labels(intent!, routed!);
  });
  const joinChild = memo((server: string) => m.joins.labels(server));
  const joinSecondsChild = memo((server: string) => m.joinSeconds.labels(server));
  ctx.transport.register({
    id: 'metrics:lifecycle',
    priority: 0,
    onAccept(c) {
      accepted.set(c.connectionId, nowMs());
      m.connectionsTotal.inc();
      return { type: 'continue' };
    },
    onClose(c) {
      accepted.delete(c.connectionId);
      joined.delete(c.connectionId);
      tracer?.closed(c.connectionId);
    },
  });
  // Pings are counted from status handshakes, not ProxyPing: a ProxyPing listener makes the
  // kernel parse and re-serialise every status answer (measured: pings/s down by a third).
  ctx.events.on('ConnectionHandshake', function metricsHandshake(e) {
    handshakeChild(e.serverId === undefined ? `${e.intent}|false` : `${e.intent}|true`).inc();
    if (e.intent === 'status') m.pings.inc();
    const at = accepted.get(e.conn.connectionId);
    if (at === undefined) return;
    m.handshakeSeconds.observe((nowMs() - at) / 1000);
    tracer?.handshake(e.conn.connectionId, at, { remoteAddress: e.conn.remoteAddress, domain: e.domain, serverId: e.serverId, intent: e.intent, protocolVersion: e.protocolVersion });
  });
  ctx.events.on('ServerConnected', function metricsConnected(e) {
    const id = e.player.connectionId;
    if (joined.has(id)) return;
    joined.add(id);
    joinChild(e.serverId).inc();
    const at = accepted.get(id);
    if (at !== undefined) joinSecondsChild(e.serverId).observe((nowMs() - at) / 1000);
    tracer?.connected(id, { serverId: e.serverId, backend: e.backend, username: e.player.username, uuid: e.player.uuid });
  });
  ctx.events.on('ServerSwitch', function metricsSwitch() {
    m.switches.inc();
  });
  ctx.events.on('ConnectionRejected', function metricsRejected(e) {
    m.rejected.inc({ reason: reasonLabel(reasons, e.reason) });
    if (e.reason === 'backend-unreachable') m.backendFailures.inc();
    tracer?.rejected(e.conn.connectionId, e.reason);
  });
  ctx.events.on('BackendHealthChange', function metricsHealth(e) {
    m.healthChanges.inc({ server: e.serverId, healthy: String(e.healthy) });
  });
}

/** A per-key cache of `make(key)` (label sets are few: intents x routed, server ids). */
function memo<T>(make: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let v = cache.get(key);
    if (v === undefined) cache.set(key, (v = make(key)));
    return v;
  };
}
