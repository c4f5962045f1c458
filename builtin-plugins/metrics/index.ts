/**
 * The metrics plugin: Prometheus metrics (prom-client) served at /metrics by the admin API on
 * `[web] bind` (no key: Prometheus scrapes it) and/or on `[telemetry] metrics_bind`; OpenTelemetry
 * export when `[telemetry] enabled`. With none of `[web]`, `metrics_bind` or `enabled` it
 * registers nothing, so the proxy pays nothing for it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { definePlugin, type PluginContext } from 'infrarust/sdk';
import { METRICS_SERVICE } from './api.ts';
import { wireLifecycle } from './lifecycle.ts';
import type { Telemetry } from './otel.ts';
import { TelemetrySchema, type TelemetrySection } from './options.ts';
import { createMetrics, type PromMetrics } from './prom.ts';

const live = new Set<() => Promise<void>>();

export default definePlugin({
  sections: { telemetry: TelemetrySchema },
  async setup(ctx) {
    // Absent only outside a proxy (a test context without the section): the defaults, all off.
    const telemetry: TelemetrySection | undefined = ctx.sections.telemetry;
    const web = ctx.proxy.describeConfig('web') as { enable_api?: boolean } | undefined;
    const served = web?.enable_api === true || telemetry?.metrics_bind !== undefined;
    if (!served && telemetry?.enabled !== true) {
      ctx.log.debug('no [web], [telemetry] metrics_bind or [telemetry] enabled: metrics are off');
      return;
    }
    const metrics = createMetrics(ctx);
    let otel: Telemetry | undefined;
    if (telemetry?.enabled === true) otel = await startOtel(ctx, telemetry, metrics);
    wireLifecycle(ctx, metrics, otel?.tracer);
    const render = async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() });
    ctx.services.provide(METRICS_SERVICE, { render });
    const stops: (() => Promise<void>)[] = [];
    if (otel !== undefined) stops.push(() => otel.shutdown());
    if (telemetry?.metrics_bind !== undefined) {
      const server = await listen(render, telemetry.metrics_bind);
      const a = server.address() as AddressInfo;
      ctx.log.info({ bind: `${a.address}:${a.port}` }, `Prometheus metrics on http://${a.address}:${a.port}/metrics`);
      stops.push(() => new Promise((r) => server.close(() => r())));
    }
    const stop = async () => {
      live.delete(stop);
      await Promise.allSettled(stops.map((s) => s()));
    };
    live.add(stop);
    ctx.signal.addEventListener('abort', () => void stop(), { once: true });
  },
  async teardown() {
    await Promise.all([...live].map((s) => s()));
  },
});

async function startOtel(ctx: PluginContext<any, any>, t: TelemetrySection, metrics: PromMetrics): Promise<Telemetry | undefined> {
  try {
    const { startTelemetry } = await import('./otel.ts');
    return await startTelemetry(ctx, t, metrics);
  } catch (err) {
    ctx.log.error({ err, code: 'IR_ERR_TELEMETRY_EXPORT' }, 'OpenTelemetry export could not start; Prometheus metrics still work');
    return undefined;
  }
}

function listen(render: () => Promise<{ contentType: string; body: string }>, bind: { host: string; port: number }): Promise<Server> {
  const server = createServer(function metricsEndpoint(req, res) {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found: try /metrics\n');
      return;
    }
    render().then(
      ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(Object.assign(new Error(`metrics cannot listen on ${bind.host}:${bind.port}: ${err.message}`), { code: 'IR_ERR_API_LISTEN' })));
    server.listen(bind.port, bind.host, () => resolve(server));
  });
}
