/** /health, /proxy, /stats, /plugins, /events (recent, token, SSE), /logs (history, SSE). */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { LogEntry, PluginContext } from 'infrarust/sdk';
import { ApiError } from './errors.ts';
import type { Feed } from './feed.ts';
import type { StreamTokens } from './guard.ts';
import { route, type Route } from './routes.ts';
import type { SseHub } from './sse.ts';

export interface ProxyRouteDeps {
  ctx: PluginContext;
  feed: Feed;
  events: SseHub;
  logs: SseHub;
  tokens: StreamTokens;
  /** Called when a log stream ends (the log subscription lives while streams do). */
  logStreamClosed(): void;
  /** The SSE response for a stream, or a 503 when the hub is full. */
  stream(body: ReadableStream<Uint8Array> | undefined): Response;
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
const Types = z.string().max(512).regex(/^[a-z_.,]*$/, 'comma-separated event types').optional();
const typeSet = (types: string | undefined) => (types === undefined || types === '' ? undefined : new Set(types.split(',')));
const byType = (types: string | undefined) => {
  const set = typeSet(types);
  return set === undefined ? undefined : (type: string) => set.has(type);
};

export function statsOf(ctx: PluginContext, feed: Feed) {
  const phases: Record<string, number> = {};
  const conns = ctx.proxy.connections();
  for (const c of conns) phases[c.phase] = (phases[c.phase] ?? 0) + 1;
  const byServer: Record<string, number> = {};
  const players = ctx.proxy.players();
  for (const p of players) if (p.serverId !== undefined) byServer[p.serverId] = (byServer[p.serverId] ?? 0) + 1;
  const mem = process.memoryUsage();
  const kernel = ctx.proxy.stats();
  return {
    time: Date.now(),
    uptime_ms: ctx.proxy.uptimeMs(),
    players_online: players.length,
    players_by_server: byServer,
    connections: conns.length,
    connections_by_phase: phases,
    servers: ctx.proxy.servers().length,
    joins_total: feed.counters.joins,
    leaves_total: feed.counters.leaves,
    switches_total: feed.counters.switches,
    pings_total: feed.counters.pings,
    rejected_total: feed.counters.rejected,
    rejected_by_reason: { ...feed.counters.rejectedBy },
    relay_bytes: { up: kernel.relay.bytesUp, down: kernel.relay.bytesDown },
    limbo_players: kernel.limbo.held,
    status_cache: { hits: kernel.statusCache.hits, stale: kernel.statusCache.stale, misses: kernel.statusCache.misses, entries: kernel.statusCache.entries },
    memory: { rss: mem.rss, heap_used: mem.heapUsed },
  };
}

const levelOk = (min: string | undefined) => {
  const floor = min === undefined ? 0 : LEVELS.indexOf(min as (typeof LEVELS)[number]);
  return (l: LogEntry) => LEVELS.indexOf(l.level) >= floor;
};

export function proxyRoutes(d: ProxyRouteDeps): Route[] {
  const { ctx, feed } = d;
  return [
    route({ method: 'get', path: '/health', tag: 'proxy', auth: false, summary: 'Liveness (no key needed)', response: z.object({ status: z.literal('ok'), version: z.string() }), handler: () => ({ status: 'ok' as const, version: ctx.proxy.version }) }),
    route({
      method: 'get', path: '/proxy', tag: 'proxy', summary: 'Version, uptime, listener, counts',
      handler: () => ({ version: ctx.proxy.version, uptime_ms: ctx.proxy.uptimeMs(), bind: ctx.proxy.describeConfig('bind'), players_online: ctx.proxy.players().length, connections: ctx.proxy.connections().length, servers: ctx.proxy.servers().length, pid: process.pid, node: process.version }),
    }),
    route({ method: 'post', path: '/proxy/shutdown', tag: 'proxy', summary: 'Starts a graceful shutdown', status: 202, handler: () => (setImmediate(() => ctx.proxy.shutdown()), { shutting_down: true }) }),
    route({ method: 'get', path: '/stats', tag: 'proxy', summary: 'Counters and gauges (what stats.tick events carry)', handler: () => statsOf(ctx, feed) }),
    route({
      method: 'get', path: '/plugins', tag: 'plugins', summary: 'Every discovered plugin and its state',
      handler: () => ({ plugins: ctx.proxy.plugins().map((p) => ({ id: p.id, version: p.version, source: p.source, state: p.state, error: p.error ?? null })) }),
    }),
    route({
      method: 'get', path: '/plugins/:id', tag: 'plugins', summary: 'One plugin', params: z.strictObject({ id: z.string().min(1).max(64) }),
      handler: ({ params }) => {
        const p = ctx.proxy.plugins().find((x) => x.id === params.id);
        if (p === undefined) throw new ApiError('IR_ERR_API_NOT_FOUND', `no plugin "${params.id}"`);
        return { id: p.id, version: p.version, source: p.source, state: p.state, error: p.error ?? null };
      },
    }),
    route({
      method: 'post', path: '/plugins/:id/reload', tag: 'plugins', summary: 'Reloads a plugin (the old version keeps running if the new one fails)', params: z.strictObject({ id: z.string().min(1).max(64) }),
      handler: async ({ params }) => {
        if (!ctx.proxy.plugins().some((p) => p.id === params.id)) throw new ApiError('IR_ERR_API_NOT_FOUND', `no plugin "${params.id}"`);
        if (params.id === ctx.id) throw new ApiError('IR_ERR_API_CONFLICT', 'the admin API cannot reload itself while serving this request; reload it from the console');
        const ok = await ctx.proxy.reloadPlugin(params.id);
        if (!ok) throw new ApiError('IR_ERR_API_CONFLICT', `plugin "${params.id}" did not reload; the previous version keeps running (see the log)`);
        return { reloaded: true };
      },
    }),
    route({
      method: 'get', path: '/events/recent', tag: 'events', summary: 'The newest events (at most 100)',
      query: z.object({ n: z.coerce.number().int().min(1).max(100).default(100), types: Types }),
      handler: ({ query }) => ({ events: feed.recent(query.n, typeSet(query.types)) }),
    }),
    route({
      method: 'post', path: '/events/token', tag: 'events', summary: 'A 60 s token for EventSource URLs (?token=), which cannot send the Authorization header',
      response: z.object({ token: z.string(), expires_in: z.number() }),
      handler: () => d.tokens.issue(randomBytes(18).toString('base64url')),
    }),
    route({
      method: 'get', path: '/events', tag: 'events', summary: 'SSE: player.join/leave/switch, server.state_change, backend.health, ban.created/removed, config.reload, connection.rejected, stats.tick',
      query: z.object({ types: Types, token: z.string().max(64).optional() }),
      handler: ({ query }) => d.stream(d.events.open(byType(query.types))),
    }),
    route({
      method: 'get', path: '/logs/history', tag: 'logs', summary: 'The newest log lines (at most 1000), filtered by minimum level and plugin',
      query: z.object({ n: z.coerce.number().int().min(1).max(1000).default(200), level: z.enum(LEVELS).optional(), plugin: z.string().max(64).optional() }),
      handler: ({ query }) => {
        const keep = levelOk(query.level);
        const lines = ctx.proxy.logs.history(1000).filter((l) => keep(l) && (query.plugin === undefined || l.plugin === query.plugin));
        return { lines: lines.slice(-query.n) };
      },
    }),
    route({
      method: 'get', path: '/logs', tag: 'logs', summary: 'SSE of new log lines (event "log"), filtered by minimum level',
      query: z.object({ level: z.enum(LEVELS).optional(), token: z.string().max(64).optional() }),
      handler: ({ query }) => {
        const keep = levelOk(query.level);
        return d.stream(d.logs.open((_type, line) => keep(line as LogEntry), d.logStreamClosed));
      },
    }),
  ];
}
