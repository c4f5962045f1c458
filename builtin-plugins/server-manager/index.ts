/**
 * server-manager: runs each server file's `[server_manager]` (local process, Pterodactyl, Crafty,
 * Docker) as a managed server: its state (which the proxy's status answers read through the
 * `server-manager` service, so a sleeping server shows `[motd.sleeping]` and a ping never wakes
 * it), start and stop on request (service, console), and the idle stop after `shutdown_after`.
 * Server files hot-reload: a changed section replaces its manager (a local server is stopped
 * first), a removed one stops it. Unloading the plugin stops its local servers.
 */
import { isDeepStrictEqual } from 'node:util';
import { definePlugin, type PluginContext, type ServerStateChangeInfo } from '../../sdk/index.ts';
import { managerCommands } from './commands.ts';
import { createBackend } from './create-backend.ts';
import { ManagedServer } from './managed-server.ts';
import { ServerManagerSection, type ServerManagerConfig } from './options.ts';
import { createService, type Listeners } from './service.ts';

const IDLE_TICK_MS = 1_000;
const sections = { server_manager: ServerManagerSection };

type Ctx = PluginContext<Record<string, unknown>, {}, typeof sections>;

/**
 * Connections the proxy counts per server: players in play (passthrough included) and those
 * logging in. Counted once for all servers and reused for a quarter second (the idle tick asks
 * for every managed server in a row).
 */
function playerCounter(ctx: Ctx): (serverId: string) => number {
  let counts = new Map<string, number>();
  let countedAt = -Infinity;
  return function playersOn(serverId) {
    const now = Date.now();
    if (now - countedAt > 250) {
      counts = new Map();
      for (const c of ctx.proxy.connections()) {
        if (c.serverId !== undefined && (c.phase === 'relay' || c.phase === 'login')) counts.set(c.serverId, (counts.get(c.serverId) ?? 0) + 1);
      }
      countedAt = now;
    }
    return counts.get(serverId) ?? 0;
  };
}

export default definePlugin({
  serverSections: sections,
  setup(ctx) {
    const servers = new Map<string, ManagedServer>();
    const listeners: Listeners = new Set();
    const playersOn = playerCounter(ctx);
    const onChange = (change: ServerStateChangeInfo): void => {
      void ctx.events.emit('ServerStateChange', { serverId: change.serverId, previous: change.previous, next: change.next, cause: change.cause });
      for (const l of listeners) {
        try {
          l(change);
        } catch (err) {
          ctx.log.error({ err, server: change.serverId }, 'an onStateChange listener threw');
        }
      }
    };
    const make = (id: string, config: ServerManagerConfig): ManagedServer => {
      const backend = createBackend(config, { serverId: id, serversDir: String(ctx.proxy.describeConfig('servers_dir') ?? '.'), log: ctx.log });
      const timers = { delay: (ms: number, task: () => void) => ctx.scheduler.delay(ms, task) };
      return new ManagedServer(id, config, backend, { log: ctx.log, timers, players: playersOn, onChange });
    };

    const reconcile = function serverManagerReconcile(): void {
      const wanted = new Map<string, ServerManagerConfig>();
      for (const s of ctx.proxy.servers()) {
        const section = ctx.serverSection(s.id, 'server_manager') as ServerManagerConfig | undefined;
        if (section !== undefined) wanted.set(s.id, section);
      }
      for (const [id, managed] of servers) {
        const next = wanted.get(id);
        if (next !== undefined && isDeepStrictEqual(next, managed.config)) continue;
        servers.delete(id);
        ctx.log.info({ server: id }, next === undefined ? 'server no longer managed: stopping its manager' : '[server_manager] changed: replacing its manager');
        void managed.close(true);
      }
      for (const [id, config] of wanted) {
        if (servers.has(id)) continue;
        const managed = make(id, config);
        servers.set(id, managed);
        managed.begin();
      }
    };

    reconcile();
    ctx.events.on('ConfigReload', reconcile);
    ctx.scheduler.interval(IDLE_TICK_MS, function serverManagerIdle() {
      for (const m of servers.values()) m.idleCheck();
    });
    const service = createService(servers, listeners);
    ctx.services.provide('server-manager', service);
    for (const command of managerCommands(service)) ctx.commands.register(command);
    closeAll = async () => {
      await Promise.all([...servers.values()].map((m) => m.close(true)));
      servers.clear();
      listeners.clear();
    };
  },
  async teardown() {
    await closeAll();
  },
});

/** What teardown does: set by setup (one plugin instance per evaluation of this module). */
let closeAll: () => Promise<void> = async () => undefined;
