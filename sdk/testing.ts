/**
 * An in-memory plugin context for unit tests: it records what a plugin registers and lets a test
 * fire events at its listeners (priority order, results flowing, like the proxy). No sockets,
 * no timers: scheduled tasks run when the test calls `runTasks()`.
 *
 * @example
 * const t = testContext({ motd: 'hi' });
 * await plugin.setup(t.ctx);
 * const ping = await t.fire('ProxyPing', { conn, domain: 'a.test', response });
 */
import type { EventListener, EventMap, EventName, PacketSelector } from './events.ts';
import type { PluginContext, PluginManifest, ScheduledTask, ServerSummary } from './plugin.ts';
import type { CodecFilterFactory, TransportFilter } from './filters.ts';
import type { LimboHandler } from './limbo.ts';
import type { Command } from './commands.ts';

interface Registered {
  name: EventName;
  priority: number;
  order: number;
  listener: EventListener<EventName>;
  selector?: PacketSelector;
}

export interface TestHarness<C> {
  ctx: PluginContext<C>;
  commands: Map<string, Command>;
  transportFilters: TransportFilter[];
  codecFilters: CodecFilterFactory[];
  limboHandlers: Map<string, LimboHandler>;
  services: Map<string, object>;
  logs: { level: string; msg: string }[];
  /** Calls the plugin made to ctx.proxy.disconnect(). */
  disconnected: { connectionId: number; reason: string }[];
  /** How many times the plugin called ctx.proxy.shutdown(). */
  shutdowns: { count: number };
  /** Fires an event at the plugin's listeners; resolves with the event after all of them. */
  fire<K extends EventName>(name: K, event: EventMap[K]): Promise<EventMap[K]>;
  runTasks(): Promise<void>;
  /** How many registrations are live (0 after everything was unregistered). */
  liveRegistrations(): number;
}

export interface TestProxy {
  /** Sections returned by ctx.proxy.config(). */
  config?: Record<string, unknown>;
  /** serverId → sections returned by ctx.proxy.serverConfig(). */
  servers?: Record<string, Record<string, unknown>>;
  /** What ctx.proxy.servers() returns (default: one entry per key of `servers`, read when called). */
  serverList?: ServerSummary[];
}

export function testContext<C = Record<string, unknown>>(config: C, manifest: Partial<PluginManifest> = {}, proxy: TestProxy = {}): TestHarness<C> {
  const proxyConfig = proxy.config ?? {};
  const serverConfigs = proxy.servers ?? {};
  const disconnected: { connectionId: number; reason: string }[] = [];
  const shutdowns = { count: 0 };
  const listeners: Registered[] = [];
  const tasks: (() => void | Promise<void>)[] = [];
  const logs: { level: string; msg: string }[] = [];
  let order = 0;
  const h = {
    commands: new Map<string, Command>(),
    transportFilters: [] as TransportFilter[],
    codecFilters: [] as CodecFilterFactory[],
    limboHandlers: new Map<string, LimboHandler>(),
    services: new Map<string, object>(),
  };
  const remover = <T>(list: T[], item: T) => () => {
    const i = list.indexOf(item);
    if (i >= 0) list.splice(i, 1);
  };
  const deleter = <T>(map: Map<string, T>, key: string) => () => void map.delete(key);
  const log = (level: string) => (a: unknown, b?: string) => void logs.push({ level, msg: typeof a === 'string' ? a : b ?? '' });
  const logger = { info: log('info'), warn: log('warn'), error: log('error'), debug: log('debug'), trace: log('trace'), fatal: log('fatal'), child: () => logger };
  const on = (name: EventName, listener: EventListener<EventName>, priority = 128, selector?: PacketSelector) => {
    const entry = { name, priority, order: order++, listener, selector };
    listeners.push(entry);
    return remover(listeners, entry);
  };
  const fire = async <K extends EventName>(name: K, event: EventMap[K]): Promise<EventMap[K]> => {
    const selected = listeners.filter((l) => l.name === name).sort((a, b) => a.priority - b.priority || a.order - b.order);
    for (const l of selected) {
      const result = await l.listener(event as EventMap[EventName]);
      if (result !== undefined) (event as { result?: unknown }).result = result;
    }
    return event;
  };
  const task = (t: () => void | Promise<void>): ScheduledTask => {
    tasks.push(t);
    return { cancel: remover(tasks, t) };
  };
  const ctx: PluginContext<C> = {
    id: manifest.id ?? 'test-plugin',
    manifest: { id: 'test-plugin', version: '0.0.0', apiVersion: '*', ...manifest },
    log: logger as unknown as PluginContext<C>['log'],
    config,
    dataDir: '/nonexistent/test-plugin',
    signal: new AbortController().signal,
    proxy: {
      version: '0.0.0-test',
      uptimeMs: () => 0,
      servers: () =>
        proxy.serverList ?? Object.keys(serverConfigs).map((id) => ({ id, domains: [], addresses: [], proxyMode: 'passthrough', connections: 0 })),
      plugins: () => [],
      shutdown: () => void (shutdowns.count += 1),
      config: <T>(section: string) => proxyConfig[section] as T | undefined,
      serverConfig: <T>(serverId: string, section: string) => serverConfigs[serverId]?.[section] as T | undefined,
      connections: () => [],
      disconnect: (connectionId: number, reason: string) => (disconnected.push({ connectionId, reason }), true),
    },
    events: {
      on: (name, listener, options) => on(name, listener as EventListener<EventName>, options?.priority),
      onPacket: (selector, listener, options) => on('RawPacket', listener as EventListener<EventName>, options?.priority, selector),
      emit: (name, event) => fire(name, event),
    },
    transport: { register: (f) => (h.transportFilters.push(f), remover(h.transportFilters, f)) },
    codec: { register: (f) => (h.codecFilters.push(f), remover(h.codecFilters, f)) },
    limbo: { register: (l) => (h.limboHandlers.set(l.name, l), deleter(h.limboHandlers, l.name)) },
    commands: {
      register: (c) => (h.commands.set(c.name, c), deleter(h.commands, c.name)),
      list: () => [...h.commands.values()].map((c) => ({ name: c.name, aliases: c.aliases ?? [], description: c.description, plugin: manifest.id ?? 'test-plugin' })),
      run: async (name, source, args) => {
        const c = [...h.commands.values()].find((x) => x.name === name || (x.aliases ?? []).includes(name));
        if (c === undefined) return false;
        await c.execute(source, args);
        return true;
      },
    },
    scheduler: { delay: (_ms, t) => task(t), interval: (_ms, t) => task(t) },
    services: {
      provide: (name, impl) => (h.services.set(name, impl), deleter(h.services, name)),
      get: <T extends object>(name: string) => h.services.get(name) as T | undefined,
    },
  };
  return {
    ctx,
    ...h,
    logs,
    disconnected,
    shutdowns,
    fire,
    runTasks: async () => {
      for (const t of [...tasks]) await t();
    },
    liveRegistrations: () =>
      listeners.length + tasks.length + h.transportFilters.length + h.codecFilters.length + h.limboHandlers.size + h.commands.size + h.services.size,
  };
}
