/**
 * /servers: the configured servers with their managed state and the balancer's view of each
 * address, start/stop through the `server-manager` service (looked up by name per request: it
 * may load, reload or be absent; without it start/stop answer 501), and /bans through the ban
 * plugin's service (503 without it).
 */
import { z } from 'zod';
import type { PluginContext, ServerSummary } from 'infrarust/sdk';
import type { BanEntry, BanService, BanTarget } from '../ban/api.ts';
import { ApiError } from './errors.ts';
import { route, type Route } from './routes.ts';

/** The part of the server-manager service this API uses (sdk/server-manager.ts has the full one). */
interface ManagerLike {
  state(serverId: string): string | undefined;
  describe(serverId: string): { type: string; since: number; lastError?: string } | undefined;
  start(serverId: string): Promise<{ ok: true; state: string } | { ok: false; reason: string }>;
  stop(serverId: string): Promise<{ ok: true; state: string } | { ok: false; reason: string }>;
}

const manager = (ctx: PluginContext): ManagerLike | undefined => (ctx.services.get as (name: string) => unknown)('server-manager') as ManagerLike | undefined;

const HealthSchema = z.array(z.object({ address: z.string(), weight: z.number(), healthy: z.boolean(), connections: z.number(), reason: z.string() }));
const ServerSchema = z.object({
  id: z.string(),
  domains: z.array(z.string()),
  addresses: z.array(z.string()),
  proxy_mode: z.string(),
  balance: z.string().nullable(),
  connections: z.number(),
  players: z.number(),
  state: z.string().nullable(),
  managed: z.object({ type: z.string(), since: z.number(), last_error: z.string().nullable() }).nullable(),
  health: HealthSchema,
});

function serverJson(ctx: PluginContext, s: ServerSummary, players: Map<string, number>): z.output<typeof ServerSchema> {
  const m = manager(ctx);
  const info = m?.describe(s.id);
  return {
    id: s.id,
    domains: [...s.domains],
    addresses: [...s.addresses],
    proxy_mode: s.proxyMode,
    balance: s.balance ?? null,
    connections: s.connections,
    players: players.get(s.id) ?? 0,
    state: m?.state(s.id) ?? null,
    managed: info === undefined ? null : { type: info.type, since: info.since, last_error: info.lastError ?? null },
    health: (s.health ?? []).map((h) => ({ ...h })),
  };
}

const playerCounts = (ctx: PluginContext): Map<string, number> => {
  const m = new Map<string, number>();
  for (const p of ctx.proxy.players()) if (p.serverId !== undefined) m.set(p.serverId, (m.get(p.serverId) ?? 0) + 1);
  return m;
};

function findServer(ctx: PluginContext, id: string): ServerSummary {
  const s = ctx.proxy.servers().find((x) => x.id === id);
  if (s === undefined) throw new ApiError('IR_ERR_API_NOT_FOUND', `no server "${id}"`);
  return s;
}

const ServerParams = z.strictObject({ id: z.string().min(1).max(128) });
const Action = z.object({ ok: z.literal(true), state: z.string() });

function managerAction(ctx: PluginContext, action: 'start' | 'stop') {
  return async ({ params }: { params: { id: string } }) => {
    findServer(ctx, params.id);
    const m = manager(ctx);
    if (m === undefined) throw new ApiError('IR_ERR_API_NOT_IMPLEMENTED', `no server manager is loaded, so the proxy cannot ${action} servers (add [server_manager] to a server file and enable the server-manager plugin)`);
    if (m.state(params.id) === undefined) throw new ApiError('IR_ERR_API_CONFLICT', `server "${params.id}" is not managed (its file has no [server_manager])`);
    const r = await m[action](params.id);
    if (!r.ok) throw new ApiError('IR_ERR_API_CONFLICT', r.reason);
    return r;
  };
}

export function serverRoutes(ctx: PluginContext): Route[] {
  return [
    route({
      method: 'get', path: '/servers', tag: 'servers', summary: 'Configured servers with state, players and address health',
      response: z.object({ servers: z.array(ServerSchema) }),
      handler: () => {
        const players = playerCounts(ctx);
        return { servers: ctx.proxy.servers().map((s) => serverJson(ctx, s, players)) };
      },
    }),
    route({
      method: 'get', path: '/servers/health/cached', tag: 'servers', summary: "Every server's address health as the load balancer sees it now",
      response: z.object({ servers: z.record(z.string(), HealthSchema) }),
      handler: () => ({ servers: Object.fromEntries(ctx.proxy.servers().map((s) => [s.id, (s.health ?? []).map((h) => ({ ...h }))])) }),
    }),
    route({
      method: 'get', path: '/servers/:id', tag: 'servers', summary: 'One server', params: ServerParams, response: ServerSchema,
      handler: ({ params }) => serverJson(ctx, findServer(ctx, params.id), playerCounts(ctx)),
    }),
    route({
      method: 'get', path: '/servers/:id/health', tag: 'servers', summary: "One server's address health (health checks and failed connects)",
      params: ServerParams, response: z.object({ id: z.string(), healthy: z.boolean(), addresses: HealthSchema }),
      handler: ({ params }) => {
        const health = (findServer(ctx, params.id).health ?? []).map((h) => ({ ...h }));
        return { id: params.id, healthy: health.length === 0 || health.some((h) => h.healthy), addresses: health };
      },
    }),
    route({ method: 'post', path: '/servers/:id/start', tag: 'servers', summary: 'Starts a managed server (501 without a server manager, 409 when not managed or refused)', params: ServerParams, response: Action, status: 202, handler: managerAction(ctx, 'start') }),
    route({ method: 'post', path: '/servers/:id/stop', tag: 'servers', summary: 'Stops a managed server', params: ServerParams, response: Action, status: 202, handler: managerAction(ctx, 'stop') }),
  ];
}

const TargetType = z.enum(['ip', 'ip_range', 'username', 'uuid']);
const BanSchema = z.object({
  target: z.object({ type: TargetType, value: z.string() }),
  reason: z.string().nullable(),
  expires_at: z.number().nullable(),
  created_at: z.number(),
  source: z.string(),
});
const TargetParams = z.strictObject({ type: TargetType, value: z.string().min(1).max(128) });

function bans(ctx: PluginContext): BanService {
  const s = ctx.services.get('ban');
  if (s === undefined) throw new ApiError('IR_ERR_API_UNAVAILABLE', 'the ban plugin is not loaded');
  return s;
}

/** The ban service's invalid-target error (another bundle's class: matched by name) as a 400. */
function banCall<T>(p: Promise<T>): Promise<T> {
  return p.catch((err: Error) => {
    if (err?.constructor?.name === 'TargetError') throw new ApiError('IR_ERR_API_INVALID_REQUEST', `body.target: ${err.message}`);
    throw err;
  });
}

const banJson = (b: BanEntry) => ({ ...b, target: { ...b.target } });

export function banRoutes(ctx: PluginContext): Route[] {
  return [
    route({ method: 'get', path: '/bans', tag: 'bans', summary: 'Every active ban', response: z.object({ bans: z.array(BanSchema) }), handler: () => ({ bans: bans(ctx).list().map(banJson) }) }),
    route({
      method: 'post', path: '/bans', tag: 'bans', summary: 'Bans a target (replacing its ban) and disconnects matching players; duration in seconds, absent = permanent',
      body: z.strictObject({
        target: z.strictObject({ type: TargetType, value: z.string().min(1).max(128) }),
        reason: z.string().max(512).optional(),
        duration_seconds: z.number().int().positive().max(100 * 365 * 86_400).optional(),
      }),
      response: BanSchema, status: 201,
      handler: async ({ body }) => {
        const entry = await banCall(bans(ctx).ban(body.target, { reason: body.reason, durationMs: body.duration_seconds === undefined ? undefined : body.duration_seconds * 1000, source: 'api' }));
        return banJson(entry);
      },
    }),
    route({
      method: 'get', path: '/bans/check/:type/:value', tag: 'bans', summary: 'The ban that applies to an address, name or UUID (ranges included)',
      params: TargetParams, response: z.object({ banned: z.boolean(), ban: BanSchema.nullable() }),
      handler: ({ params }) => {
        const q = params.type === 'ip' ? { ip: params.value } : params.type === 'username' ? { username: params.value } : params.type === 'uuid' ? { uuid: params.value } : undefined;
        const entry = q === undefined ? bans(ctx).get(params as BanTarget) : bans(ctx).check(q);
        return { banned: entry !== undefined, ban: entry === undefined ? null : banJson(entry) };
      },
    }),
    route({
      method: 'delete', path: '/bans/:type/:value', tag: 'bans', summary: 'Lifts a ban', params: TargetParams, response: z.object({ removed: BanSchema }),
      handler: async ({ params }) => {
        const removed = await banCall(bans(ctx).unban(params, 'api'));
        if (removed === undefined) throw new ApiError('IR_ERR_API_NOT_FOUND', `${params.type} "${params.value}" is not banned`);
        return { removed: banJson(removed) };
      },
    }),
  ];
}
