/**
 * The `server-wake` plugin: wake-on-join for managed servers (`[server_manager]`, run by the
 * `server-manager` plugin).
 *
 * - Intercepted servers (`client_only`, `offline`) with `limbo_handlers = ["server-wake"]` (or
 *   Infrarust's `"server_wake"`: both names are registered) hold a joining player in the
 *   proxy's limbo while the server starts (wake-room.ts), and again when its backend turns out
 *   unreachable (entry `kicked`).
 * - Passthrough servers: a join to a server that is not online starts it and is answered with a
 *   login disconnect "starting, rejoin in about N s" (passthrough.ts), from a ServerPreConnect
 *   listener, since the limbo cannot run there.
 */
import { definePlugin, deny, EventPriority, type LimboHandler, type ServerStateChangeInfo } from 'infrarust/sdk';
import { ServerWakeSchema } from './options.ts';
import { isForwardingMode, passthroughRefusal } from './passthrough.ts';
import { StartTimes } from './start-times.ts';
import { WakeRoom } from './wake-room.ts';

/** The handler names: ours, and Infrarust's, so its server files carry over unchanged. */
export const HANDLER_NAMES = ['server-wake', 'server_wake'] as const;

export default definePlugin({
  configSchema: ServerWakeSchema,
  setup(ctx) {
    const options = ctx.config;
    const manager = () => ctx.services.get('server-manager');
    const room = new WakeRoom({ manager, options, now: Date.now, log: ctx.log });
    const times = new StartTimes();
    const pendingStart = new Set<string>();

    for (const name of HANDLER_NAMES) {
      const handler: LimboHandler = {
        name,
        onPlayerEnter: (session) => room.enter(session),
        onLeave: (session) => room.leave(session),
      };
      ctx.limbo.register(handler);
    }

    ctx.events.on('ServerStateChange', function serverWakeStateChange(e) {
      const change = e as ServerStateChangeInfo;
      times.observe(change.serverId, change.next, Date.now());
      room.stateChanged(change);
      if (change.next === 'sleeping' && pendingStart.delete(change.serverId) && room.waiting(change.serverId) === 0) {
        manager()?.start(change.serverId).catch((err: unknown) => ctx.log.warn({ server: change.serverId, err }, 'could not start the server again'));
      }
    });

    if (options.passthrough) {
      // LATE, and only for joins nobody refused or redirected: a refused player must not wake a server.
      ctx.events.on('ServerPreConnect', function serverWakePassthrough(e) {
        if (e.result !== undefined && e.result.type !== 'allowed') return;
        const services = manager();
        if (services === undefined || services.state(e.serverId) === undefined) return;
        const server = ctx.proxy.servers().find((s) => s.id === e.serverId);
        if (server === undefined || !isForwardingMode(server.proxyMode)) return;
        const reason = passthroughRefusal(e.serverId, e.player.username, { manager: services, options, times, now: Date.now(), pendingStart, log: ctx.log });
        return reason === undefined ? undefined : deny(reason);
      }, { priority: EventPriority.LATE });
    }

    ctx.scheduler.interval(options.update_interval, function serverWakeTick() {
      room.tick();
    });
  },
});
