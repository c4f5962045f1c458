/**
 * OpenTelemetry export (`[telemetry] enabled`): traces of the connection lifecycle and the
 * proxy's metrics over OTLP (`protocol` grpc or http, `endpoint`). The @opentelemetry packages
 * are imported here only, and this file is imported only when telemetry is on: off costs
 * nothing, not even the module load.
 *
 * Spans (v2's names): `connection` from accept to close (client.ip, server.domain, server.id,
 * protocol.version, player.username, proxy.intent), with children `handshake` (accept → routed
 * handshake) and `login` (handshake → backend connected). Status pings are kept with
 * probability `traces.sampling_ratio`; logins always.
 */
import { createRequire } from 'node:module';
import type { PluginContext } from 'infrarust/sdk';
import type { Span, Tracer } from '@opentelemetry/api';
import type { LifecycleTracer } from './lifecycle.ts';
import type { PromMetrics } from './prom.ts';

import type { TelemetrySection } from './options.ts';

export interface Telemetry {
  tracer?: LifecycleTracer;
  shutdown(): Promise<void>;
}

/**
 * Loads a package at run time from node_modules, never bundled into the plugin: the native loader
 * bundles what a plugin imports, and the exporters (gRPC's above all) are megabytes.
 */
const load = <T>(name: string): T => createRequire(import.meta.filename)(name) as T;

/** OTLP/HTTP wants the full signal path; gRPC the bare endpoint. */
function endpointFor(t: TelemetrySection, signal: 'traces' | 'metrics'): string {
  const base = t.endpoint ?? (t.protocol === 'grpc' ? 'http://localhost:4317' : 'http://localhost:4318');
  return t.protocol === 'grpc' ? base : `${base.replace(/\/+$/, '')}/v1/${signal}`;
}

export async function startTelemetry(ctx: PluginContext<any, any>, t: TelemetrySection, prom: PromMetrics): Promise<Telemetry> {
  const { resourceFromAttributes } = load<typeof import('@opentelemetry/resources')>('@opentelemetry/resources');
  const resource = resourceFromAttributes({ 'service.name': t.resource.service_name, 'service.version': t.resource.service_version ?? ctx.proxy.version });
  const stops: (() => Promise<void>)[] = [];
  let tracer: LifecycleTracer | undefined;
  if (t.traces.enabled) {
    const { BasicTracerProvider, BatchSpanProcessor } = load<typeof import('@opentelemetry/sdk-trace-base')>('@opentelemetry/sdk-trace-base');
    const url = endpointFor(t, 'traces');
    const exporter = t.protocol === 'grpc' ? new (load<typeof import('@opentelemetry/exporter-trace-otlp-grpc')>('@opentelemetry/exporter-trace-otlp-grpc').OTLPTraceExporter)({ url }) : new (load<typeof import('@opentelemetry/exporter-trace-otlp-http')>('@opentelemetry/exporter-trace-otlp-http').OTLPTraceExporter)({ url });
    const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1000 })] });
    tracer = lifecycleTracer(provider.getTracer('infrarust', ctx.proxy.version), t.traces.sampling_ratio, load<typeof import('@opentelemetry/api')>('@opentelemetry/api'));
    stops.push(() => provider.shutdown());
  }
  if (t.metrics.enabled) {
    const { MeterProvider, PeriodicExportingMetricReader } = load<typeof import('@opentelemetry/sdk-metrics')>('@opentelemetry/sdk-metrics');
    const url = endpointFor(t, 'metrics');
    const exporter = t.protocol === 'grpc' ? new (load<typeof import('@opentelemetry/exporter-metrics-otlp-grpc')>('@opentelemetry/exporter-metrics-otlp-grpc').OTLPMetricExporter)({ url }) : new (load<typeof import('@opentelemetry/exporter-metrics-otlp-http')>('@opentelemetry/exporter-metrics-otlp-http').OTLPMetricExporter)({ url });
    const provider = new MeterProvider({ resource, readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: t.metrics.export_interval })] });
    mirrorMetrics(provider.getMeter('infrarust'), ctx, prom);
    stops.push(() => provider.shutdown());
  }
  ctx.log.info({ protocol: t.protocol, traces: endpointFor(t, 'traces'), metrics: t.metrics.enabled }, 'OpenTelemetry export on');
  return { tracer, shutdown: async () => void (await Promise.allSettled(stops.map((s) => s()))) };
}

/** The same numbers as /metrics, read from the Prometheus registry at each export. */
function mirrorMetrics(meter: import('@opentelemetry/api').Meter, ctx: PluginContext<any, any>, prom: PromMetrics): void {
  const total = async (c: { get(): Promise<{ values: { value: number }[] }> }) => (await c.get()).values.reduce((a, v) => a + v.value, 0);
  meter.createObservableGauge('infrarust.players.online').addCallback((o) => o.observe(ctx.proxy.players().length));
  meter.createObservableGauge('infrarust.connections.active').addCallback((o) => o.observe(ctx.proxy.connections().length));
  const counters: [string, { get(): Promise<{ values: { value: number }[] }> }][] = [
    ['infrarust.connections.total', prom.connectionsTotal],
    ['infrarust.joins', prom.joins],
    ['infrarust.pings', prom.pings],
    ['infrarust.connections.rejected', prom.rejected],
    ['infrarust.backend.connect.failures', prom.backendFailures],
  ];
  for (const [name, c] of counters) meter.createObservableCounter(name).addCallback(async (o) => o.observe(await total(c)));
  meter.createObservableCounter('infrarust.relay.bytes').addCallback((o) => {
    const { relay } = ctx.proxy.stats();
    o.observe(relay.bytesUp, { direction: 'up' });
    o.observe(relay.bytesDown, { direction: 'down' });
  });
  meter.createObservableGauge('infrarust.limbo.players').addCallback((o) => o.observe(ctx.proxy.stats().limbo.held));
}

function lifecycleTracer(tracer: Tracer, ratio: number, api: typeof import('@opentelemetry/api')): LifecycleTracer {
  const open = new Map<number, { root: Span; handshakeAt: number }>();
  return {
    handshake(id, acceptedAt, info) {
      if (info.intent === 'status' && Math.random() >= ratio) return;
      const root = tracer.startSpan('connection', {
        startTime: acceptedAt,
        attributes: { 'client.ip': info.remoteAddress, 'server.domain': info.domain, 'server.id': info.serverId ?? '', 'protocol.version': info.protocolVersion, 'proxy.intent': info.intent },
      });
      const now = performance.timeOrigin + performance.now();
      tracer.startSpan('handshake', { startTime: acceptedAt }, api.trace.setSpan(api.context.active(), root)).end(now);
      open.set(id, { root, handshakeAt: now });
    },
    connected(id, info) {
      const o = open.get(id);
      if (o === undefined) return;
      o.root.setAttributes({ 'player.username': info.username, 'server.id': info.serverId, 'backend.address': info.backend });
      tracer.startSpan('login', { startTime: o.handshakeAt, attributes: { 'backend.address': info.backend } }, api.trace.setSpan(api.context.active(), o.root)).end();
    },
    rejected(id, reason) {
      const o = open.get(id);
      if (o === undefined) return;
      o.root.setStatus({ code: api.SpanStatusCode.ERROR, message: reason });
      o.root.setAttribute('proxy.rejected', reason);
    },
    closed(id) {
      const o = open.get(id);
      if (o === undefined) return;
      open.delete(id);
      o.root.end();
    },
  };
}
