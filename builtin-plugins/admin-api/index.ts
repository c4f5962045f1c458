/**
 * The admin API plugin (v2's admin_api): on when infrarust.toml has a `[web]` table with
 * `enable_api` (the default). Serves /api/v1 (REST + SSE), /metrics (from the metrics plugin)
 * and the dashboard on `[web] bind`. The key: `[web] api_key`, or one generated on loopback and
 * kept in `<dataDir>/api-key` (mode 0600). A missing or weak key on a non-loopback bind, or a
 * bind that cannot be listened on, fails setup with a clear error.
 */
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { definePlugin, type PluginContext } from 'infrarust/sdk';
import type {} from '../ban/api.ts';
import { resolveApiKey } from './api-key.ts';
import { createApp } from './app.ts';
import { errorBody } from './errors.ts';
import { Feed } from './feed.ts';
import { StreamTokens } from './guard.ts';
import { playerRoutes } from './routes-players.ts';
import { proxyRoutes, statsOf } from './routes-proxy.ts';
import { banRoutes, serverRoutes } from './routes-servers.ts';
import { SseHub } from './sse.ts';
import { dashboardRoot } from './static.ts';
import { WebSchema, type WebSection } from './options.ts';


/** SSE bounds: clients per stream kind, and bytes one client may fall behind before it is dropped (at most 16 MiB queued per kind). */
export const SSE_MAX_CLIENTS = 256;
export const SSE_MAX_QUEUED_BYTES = 64 * 1024;
const STATS_TICK_MS = 5_000;

const servers = new Set<ServerType>();

export default definePlugin({
  sections: { web: WebSchema.optional() },
  async setup(ctx) {
    const web = ctx.sections.web as WebSection | undefined;
    if (web === undefined || !web.enable_api) {
      ctx.log.debug('no [web] section (or enable_api = false): the admin API is off');
      return;
    }
    const proxyBind = ctx.proxy.describeConfig('bind') as { host: string; port: number } | undefined;
    if (proxyBind !== undefined && sameListener(web.bind, proxyBind)) {
      throw Object.assign(new Error(`[web] bind ${web.bind.host}:${web.bind.port} collides with the proxy listener bind = "${proxyBind.host}:${proxyBind.port}"`), { code: 'IR_ERR_API_LISTEN' });
    }
    const { key, file } = await resolveApiKey(web.bind.host, web.api_key, () => ctx.dataDir, ctx.files);
    if (file !== undefined) ctx.log.info({ file }, 'no [web] api_key: using a generated key, stored in this file (mode 0600)');
    const server = await start(ctx, web, key);
    servers.add(server);
    ctx.signal.addEventListener('abort', () => void close(server), { once: true });
  },
  async teardown() {
    await Promise.all([...servers].map(close));
  },
});

async function start(ctx: PluginContext<any, any>, web: WebSection, key: string): Promise<ServerType> {
  const events = new SseHub({ maxClients: SSE_MAX_CLIENTS, maxQueuedBytes: SSE_MAX_QUEUED_BYTES });
  const logs = new SseHub({ maxClients: SSE_MAX_CLIENTS, maxQueuedBytes: SSE_MAX_QUEUED_BYTES });
  const feed = new Feed(events);
  feed.wire(ctx);
  ctx.scheduler.interval(STATS_TICK_MS, () => {
    if (events.size > 0) events.send('stats.tick', statsOf(ctx, feed));
  });
  // The log subscription lives while log streams do: no stream, no parsing of log lines.
  let unsubscribe: (() => void) | undefined;
  const logStreamClosed = () => {
    if (logs.size === 0) unsubscribe = (unsubscribe?.(), undefined);
  };
  const stream = (body: ReadableStream<Uint8Array> | undefined): Response => {
    if (body === undefined) return Response.json(errorBody('IR_ERR_API_UNAVAILABLE', 'too many event streams are open'), { status: 503 });
    if (logs.size > 0 && unsubscribe === undefined) unsubscribe = ctx.proxy.logs.subscribe((l) => logs.send('log', l));
    return new Response(body as ReadableStream<Uint8Array<ArrayBuffer>>, { headers: { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no' } });
  };
  const tokens = new StreamTokens();
  const routes = [...proxyRoutes({ ctx, feed, events, logs, tokens, stream, logStreamClosed }), ...playerRoutes(ctx), ...serverRoutes(ctx), ...banRoutes(ctx)];
  let webRoot = await dashboardRoot(join(import.meta.dirname, 'dashboard', 'dist'));
  const app = createApp({ ctx, key, requestsPerMinute: web.rate_limit.requests_per_minute, corsOrigins: web.cors_origins, routes, tokens, webRoot: () => webRoot, webui: web.enable_webui });
  const server = await listen(app.fetch, web.bind);
  server.on('close', () => {
    events.close();
    logs.close();
    unsubscribe?.();
    webRoot = undefined;
  });
  const addr = server.address() as AddressInfo;
  ctx.log.info({ bind: `${addr.address}:${addr.port}` }, `admin API listening on http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}/api/v1`);
  return server;
}

function sameListener(a: { host: string; port: number }, b: { host: string; port: number }): boolean {
  const any = (h: string) => h === '0.0.0.0' || h === '::';
  return a.port === b.port && (any(a.host) || any(b.host) || a.host === b.host);
}

function listen(fetch: (req: Request) => Response | Promise<Response>, bind: { host: string; port: number }): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch, hostname: bind.host, port: bind.port }, () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(Object.assign(new Error(`admin API cannot listen on ${bind.host}:${bind.port}: ${err.message}`), { code: 'IR_ERR_API_LISTEN' }));
    });
  });
}

function close(server: ServerType): Promise<void> {
  servers.delete(server);
  return new Promise((resolve) => {
    server.close(() => resolve());
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
  });
}
