/**
 * The `queue` limbo handler: enforces a server's `max_players` (its server-file key, or the
 * Docker label `infrarust.max_players`; 0 = no cap) for servers that list `queue` in
 * `limbo_handlers`. Below the cap a joining player goes straight through; at the cap they wait in
 * the proxy's limbo, first come first served, with their position in the action bar, and are let
 * in as slots free. Players are counted per server by the proxy (`ctx.proxy.players()`,
 * passthrough included), plus those just let in who have not reached the backend yet. A
 * Disconnect or ServerSwitch frees a slot at once; a tick every `update_interval` also refreshes
 * the action bars and catches any other change (a raised `max_players`). Players whose
 * permission checker grants `bypass_permission` skip the line. A queued player who disconnects
 * keeps their place for `grace_period` (waiting.ts).
 */
import { accept, definePlugin, deny, hold, type LimboSession, type PluginContext } from 'infrarust/sdk';
import { fill, QueueSchema, type QueueOptions } from './options.ts';
import { WaitingLines } from './waiting.ts';

type Ctx = PluginContext<QueueOptions>;

export default definePlugin({
  configSchema: QueueSchema,
  setup(ctx) {
    const options = ctx.config;
    const lines = new WaitingLines<LimboSession>(options.grace_period);
    const maxOf = (serverId: string): number => ctx.proxy.servers().find((s) => s.id === serverId)?.maxPlayers ?? 0;

    /** Lets in as many waiters of `serverId` as there are free slots; true when `current` was one. */
    const pump = (serverId: string, current?: LimboSession): boolean => {
      const now = Date.now();
      const max = maxOf(serverId);
      const present = new Set(ctx.proxy.players().filter((p) => p.serverId === serverId).map((p) => p.connectionId));
      const free = max <= 0 ? Number.MAX_SAFE_INTEGER : max - present.size - lines.reservedFor(serverId, present, now);
      let admittedCurrent = false;
      for (const w of lines.admit(serverId, free, now)) {
        if (w.session === current) admittedCurrent = true;
        else w.session?.complete(accept());
        ctx.log.debug({ player: w.key, server: serverId }, 'queued player let in');
      }
      return admittedCurrent;
    };
    const pumpAll = (): void => {
      for (const serverId of lines.servers()) pump(serverId);
    };

    ctx.limbo.register({
      name: 'queue',
      async onPlayerEnter(session) {
        const serverId = session.entry.serverId;
        if (serverId === undefined) return accept();
        const max = maxOf(serverId);
        if (max <= 0) return accept();
        if (await ctx.proxy.hasPermission(session.player, options.bypass_permission)) return accept();
        const id = session.player.connectionId;
        const position = lines.enqueue(serverId, playerKey(session.player), id, session, options.max_waiting, Date.now());
        if (position === undefined) return deny(fill(options.full_message, { server: serverId, max }));
        if (pump(serverId, session)) return accept();
        const now = lines.positionOf(id);
        const values = { server: serverId, max, position: now?.position ?? position, waiting: now?.waiting ?? position };
        session.sendMessage(fill(options.enter_message, values));
        session.sendActionBar(fill(options.action_bar, values));
        ctx.log.info({ player: session.player.username, server: serverId, position: values.position }, 'server full: player queued');
        return hold();
      },
      onLeave(session) {
        lines.leave(session.player.connectionId, Date.now());
      },
    });

    ctx.events.on('Disconnect', function queueDisconnect(e) {
      lines.release(e.player.connectionId);
      lines.leave(e.player.connectionId, Date.now()); // as onLeave: the place is kept for the grace
      pumpAll();
    });
    ctx.events.on('ServerSwitch', function queueSwitch(e) {
      if (lines.servers().includes(e.previous)) pump(e.previous);
    });
    ctx.scheduler.interval(options.update_interval, function queueTick() {
      pumpAll();
      showPositions(ctx, lines, options);
    });
  },
});

/** The same player across reconnects: the UUID (offline UUIDs follow the name), else the name. */
function playerKey(p: { username: string; uuid?: string }): string {
  return p.uuid !== undefined ? p.uuid.replace(/-/g, '').toLowerCase() : `name:${p.username.toLowerCase()}`;
}

function showPositions(ctx: Ctx, lines: WaitingLines<LimboSession>, options: QueueOptions): void {
  const max = new Map(ctx.proxy.servers().map((s) => [s.id, s.maxPlayers ?? 0]));
  for (const { serverId, waiter, position, waiting } of lines.live()) {
    waiter.session?.sendActionBar(fill(options.action_bar, { server: serverId, position, waiting, max: max.get(serverId) ?? 0 }));
  }
}
