/** /players: list (paginated, filtered), count, one player, kick, message, send, broadcast. */
import { z } from 'zod';
import type { Player, PlayerResult, PluginContext } from 'infrarust/sdk';
import { ApiError } from './errors.ts';
import { route, type Route } from './routes.ts';

const PlayerSchema = z.object({
  connection_id: z.number(),
  username: z.string(),
  uuid: z.string().nullable(),
  server: z.string().nullable(),
  mode: z.enum(['passthrough', 'intercepted']),
  verified: z.boolean(),
  protocol_version: z.number(),
  remote_address: z.string(),
});

export const playerJson = (p: Player): z.output<typeof PlayerSchema> => ({
  connection_id: p.connectionId,
  username: p.username,
  uuid: p.uuid ?? null,
  server: p.serverId ?? null,
  mode: p.mode,
  verified: p.verified,
  protocol_version: p.protocolVersion,
  remote_address: p.remoteAddress,
});

const IdParams = z.strictObject({ id: z.string().min(1).max(64) });
const Text = z.string().min(1).max(1024);
const Pages = z.object({
  page: z.coerce.number().int().min(1).default(1),
  per_page: z.coerce.number().int().min(1).max(500).default(50),
  server: z.string().max(64).optional(),
  mode: z.enum(['passthrough', 'intercepted']).optional(),
  search: z.string().max(64).optional(),
});

/** By connection id (digits), UUID or name. */
export function findPlayer(ctx: PluginContext, id: string): Player {
  const p = /^\d{1,15}$/.test(id) ? ctx.proxy.player(Number(id)) ?? ctx.proxy.player(id) : ctx.proxy.player(id);
  if (p === undefined) throw new ApiError('IR_ERR_API_NOT_FOUND', `no connected player "${id}"`);
  return p;
}

/** A refused player action as a 409 that names the player's result code. */
export function check(result: PlayerResult): { ok: true } {
  if (result.ok) return result;
  throw new ApiError(result.code === 'unknown-server' ? 'IR_ERR_API_NOT_FOUND' : 'IR_ERR_API_CONFLICT', `${result.code}: ${result.message}`);
}

export function playerRoutes(ctx: PluginContext): Route[] {
  return [
    route({
      method: 'get', path: '/players', tag: 'players', summary: 'Connected players, paginated; filters server, mode, search (name prefix)',
      query: Pages,
      response: z.object({ players: z.array(PlayerSchema), total: z.number(), page: z.number(), per_page: z.number() }),
      handler: ({ query }) => {
        const search = query.search?.toLowerCase();
        const all = ctx.proxy
          .players()
          .filter((p) => (query.server === undefined || p.serverId === query.server) && (query.mode === undefined || p.mode === query.mode) && (search === undefined || p.username.toLowerCase().startsWith(search)))
          .sort((a, b) => a.username.localeCompare(b.username));
        const start = (query.page - 1) * query.per_page;
        return { players: all.slice(start, start + query.per_page).map(playerJson), total: all.length, page: query.page, per_page: query.per_page };
      },
    }),
    route({
      method: 'get', path: '/players/count', tag: 'players', summary: 'Players online, in total and per server',
      response: z.object({ total: z.number(), by_server: z.record(z.string(), z.number()) }),
      handler: () => {
        const by: Record<string, number> = {};
        const players = ctx.proxy.players();
        for (const p of players) if (p.serverId !== undefined) by[p.serverId] = (by[p.serverId] ?? 0) + 1;
        return { total: players.length, by_server: by };
      },
    }),
    route({
      method: 'post', path: '/players/broadcast', tag: 'players', summary: 'Chat message to every intercepted player (optionally one server); passthrough players are counted as skipped',
      body: z.strictObject({ message: Text, server: z.string().max(64).optional() }),
      response: z.object({ sent: z.number(), skipped: z.number() }),
      handler: ({ body }) => {
        let sent = 0;
        let skipped = 0;
        for (const p of ctx.proxy.players()) {
          if (body.server !== undefined && p.serverId !== body.server) continue;
          if (p.sendMessage(body.message).ok) sent++;
          else skipped++;
        }
        return { sent, skipped };
      },
    }),
    route({
      method: 'get', path: '/players/:id', tag: 'players', summary: 'One player by connection id, UUID or name',
      params: IdParams, response: PlayerSchema,
      handler: ({ params }) => playerJson(findPlayer(ctx, params.id)),
    }),
    route({
      method: 'post', path: '/players/:id/kick', tag: 'players', summary: 'Disconnects the player with the reason (a relayed passthrough player is closed without it)',
      params: IdParams, body: z.strictObject({ reason: Text.default('Kicked by an operator') }),
      response: z.object({ kicked: z.literal(true), shown_reason: z.boolean() }),
      handler: ({ params, body }) => {
        const p = findPlayer(ctx, params.id);
        if (!ctx.proxy.disconnect(p.connectionId, body.reason)) throw new ApiError('IR_ERR_API_NOT_FOUND', `player "${params.id}" already left`);
        return { kicked: true as const, shown_reason: p.mode === 'intercepted' };
      },
    }),
    route({
      method: 'post', path: '/players/:id/message', tag: 'players', summary: 'Chat message to one player (intercepted players only: 409 passthrough otherwise)',
      params: IdParams, body: z.strictObject({ message: Text }), response: z.object({ ok: z.literal(true) }),
      handler: ({ params, body }) => check(findPlayer(ctx, params.id).sendMessage(body.message)),
    }),
    route({
      method: 'post', path: '/players/:id/send', tag: 'players', summary: 'Moves an intercepted player to another server',
      params: IdParams, body: z.strictObject({ server: z.string().min(1).max(64) }), response: z.object({ ok: z.literal(true) }),
      handler: async ({ params, body }) => check(await findPlayer(ctx, params.id).switchServer(body.server)),
    }),
  ];
}
