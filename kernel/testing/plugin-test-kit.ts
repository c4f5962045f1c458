/**
 * The plugin test kit, exported as `infrarust/sdk/testing`. The context is the proxy's own
 * (createPluginContext with its ledger) over the proxy's own layers (createLayers: the EventBus,
 * transport and codec registries, the named registries), so a test sees what the proxy would do:
 * an access event whose listener throws, times out or returns a non-result is denied (fail
 * closed), resulted and observer events skip a failed listener, observer return values are
 * ignored, onPacket selectors apply. Only the proxy around the plugin is a test double: no
 * sockets, and scheduled tasks run when the test calls `runTasks()`, not on timers. `ctx.files`
 * is the proxy's (real atomic writes); a writer's `minIntervalMs` delay is one of those tasks, and
 * `unload()` starts the writes of what is pending (await `writer.flush()` to see them on disk).
 *
 * @example
 * import { testContext } from 'infrarust/sdk/testing';
 * const t = testContext(plugin.configSchema!.parse({ motd: 'hi' }));
 * await plugin.setup(t.ctx);
 * const ping = await t.fire('ProxyPing', { conn, domain: 'a.test', response });
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { Logger } from '../log/logger.ts';
import type { EventMap, EventName } from '../../sdk/events.ts';
import type { ConnectionSummary, PluginContext, PluginManifest, ProxyApi, ServerSummary } from '../../sdk/plugin.ts';
import type { CodecFilterFactory, TransportFilter } from '../../sdk/filters.ts';
import type { LimboHandler } from '../../sdk/limbo.ts';
import type { Command } from '../../sdk/commands.ts';
import type { Player } from '../../sdk/player.ts';
import { PlayerRegistry } from '../session/player-registry.ts';
import { EventsSchema } from '../config/schema-plugins.ts';
import { createLayers } from '../layers/create-layers.ts';
import type { NamedRegistry } from '../layers/registries.ts';
import { createPluginContext, type Timers } from '../plugin-system/host/context.ts';
import { EMPTY_STATS } from '../proxy-api.ts';

/** One line the plugin (or the layers, about its listeners and filters) logged. */
export interface LogLine {
  level: string;
  msg: string;
}

/** The provided services by name; `get` is typed by the sdk's ServiceMap as in `ctx.services`. */
export type ServiceView = Pick<PluginContext['services'], 'get'> & ReadonlyMap<string, unknown>;

export interface TestHarness<C> {
  /**
   * The context to pass to `plugin.setup(t.ctx)`. Its sections are what `TestProxy.config` and
   * `servers` hold (typed loosely, so the context fits a plugin whatever sections it declares).
   */
  ctx: PluginContext<C, any, any>;
  /** Live views of the real registries, read when accessed. Commands by `name`, not aliases. */
  readonly commands: ReadonlyMap<string, Command>;
  readonly transportFilters: readonly TransportFilter[];
  readonly codecFilters: readonly CodecFilterFactory[];
  readonly limboHandlers: ReadonlyMap<string, LimboHandler>;
  readonly services: ServiceView;
  readonly logs: LogLine[];
  /** Calls the plugin made to ctx.proxy.disconnect(). */
  readonly disconnected: { connectionId: number; reason: string }[];
  /** How many times the plugin called ctx.proxy.shutdown(). */
  readonly shutdowns: { count: number };
  /** The proxy's EventBus.fire: resolves with the event after every listener, never rejects. */
  fire<K extends EventName>(name: K, event: EventMap[K]): Promise<EventMap[K]>;
  /** Runs every live scheduled task once (delays and intervals alike), awaiting each. */
  runTasks(): Promise<void>;
  /** How many registrations the plugin's ledger holds (0 after everything was unregistered). */
  liveRegistrations(): number;
  /**
   * Unloads the plugin as the proxy does: aborts `ctx.signal`, then undoes every registration
   * (newest first). The definition's `teardown`, if any, is the test's to call.
   */
  unload(): void;
}

export interface TestProxy {
  /**
   * Top-level keys of infrarust.toml as resolved values (not validated here): `ctx.sections`
   * (the plugin's own sections) and what `ctx.proxy.describeConfig(key)` shows.
   */
  config?: Record<string, unknown>;
  /** serverId → sections, as `ctx.serverSection(serverId, name)`; read at each call. */
  servers?: Record<string, Record<string, unknown>>;
  /** What ctx.proxy.servers() returns (default: one entry per key of `servers`, read when called). */
  serverList?: ServerSummary[];
  /** What ctx.proxy.connections() returns (default: none), read when called. */
  connectionList?: ConnectionSummary[];
  /**
   * What ctx.proxy.players() returns and ctx.proxy.player(query) searches (default: none), read
   * when called. `testPlayer({ username })` makes ones that record what they were sent.
   */
  players?: Player[];
  /** What ctx.proxy.hasPermission answers (default: nothing granted). */
  hasPermission?: (player: { connectionId: number; username: string }, permission: string) => boolean;
}

export function testContext<C = Record<string, unknown>>(config: C, manifest: Partial<PluginManifest> = {}, proxy: TestProxy = {}): TestHarness<C> {
  const full: PluginManifest = { id: 'test-plugin', version: '0.0.0', apiVersion: '*', ...manifest };
  const logs: LogLine[] = [];
  const log = recordingLogger(logs);
  const layers = createLayers({ events: EventsSchema.parse({}) }, log);
  const disconnected: TestHarness<C>['disconnected'] = [];
  const shutdowns = { count: 0 };
  const tasks = new Set<() => unknown>();
  const manualTimers: Timers = (_ms, run) => (tasks.add(run), () => void tasks.delete(run));
  const { context, ledger, abort } = createPluginContext({
    owner: `${full.id}#1`,
    manifest: full,
    log: log.child({ plugin: full.id }),
    config,
    sections: Object.freeze({ ...proxy.config }),
    serverSection: (serverId, name) => proxy.servers?.[serverId]?.[name],
    dataDir: testDataDir(full.id),
    layers,
    proxy: testProxyApi(proxy, disconnected, shutdowns),
    timers: manualTimers,
  });
  const { registries } = layers;
  return {
    ctx: context,
    get commands() {
      return new Map(registries.commands.entries().map(({ value }) => [value.name, value]));
    },
    get transportFilters() {
      return layers.transport.filters;
    },
    get codecFilters() {
      return layers.codec.ordered.map((entry) => entry.value);
    },
    get limboHandlers() {
      return byName(registries.limbo);
    },
    get services() {
      return byName(registries.services) as ServiceView;
    },
    logs,
    disconnected,
    shutdowns,
    fire: (name, event) => layers.events.fire(name, event),
    runTasks: async () => {
      for (const run of [...tasks]) if (tasks.has(run)) await run();
    },
    liveRegistrations: () => ledger.size,
    unload: () => {
      abort.abort();
      const [failed] = ledger.undoAll(); // the host logs these; a test wants to see the first
      if (failed !== undefined) throw failed;
    },
  };
}

function byName<T>(registry: NamedRegistry<T>): Map<string, T> {
  return new Map(registry.names().map((name) => [name, registry.get(name) as T]));
}

function testProxyApi(proxy: TestProxy, disconnected: TestHarness<unknown>['disconnected'], shutdowns: { count: number }): ProxyApi {
  return {
    version: '0.0.0-test',
    uptimeMs: () => 0,
    servers: () =>
      proxy.serverList ?? Object.keys(proxy.servers ?? {}).map((id) => ({ id, domains: [], addresses: [], proxyMode: 'passthrough', connections: 0 })),
    plugins: () => [],
    logs: { history: () => [], subscribe: () => () => undefined },
    reloadPlugin: async () => false,
    stats: () => EMPTY_STATS,
    shutdown: () => void (shutdowns.count += 1),
    describeConfig: (key) => proxy.config?.[key],
    connections: () => proxy.connectionList ?? [],
    disconnect: (connectionId, reason) => (disconnected.push({ connectionId, reason }), true),
    players: () => [...(proxy.players ?? [])],
    hasPermission: async (player, permission) => proxy.hasPermission?.(player, permission) ?? false,
    player: (query) => {
      const registry = new PlayerRegistry();
      for (const p of proxy.players ?? []) registry.add(p);
      return registry.find(query);
    },
  };
}

/** A pino logger (so `child`, levels and serializers behave as in the proxy) that records each line. */
function recordingLogger(logs: LogLine[]): Logger {
  const write = (line: string): void => {
    const { level, msg } = JSON.parse(line) as { level: number; msg?: string };
    logs.push({ level: pino.levels.labels[level] ?? String(level), msg: msg ?? '' });
  };
  return pino({ level: 'trace', base: undefined, timestamp: false }, { write });
}

export { testPlayer } from './test-player.ts';
export type { TestPlayer, TestPlayerInit, SentToPlayer } from './test-player.ts';

let dataRoot: string | undefined;
let harnesses = 0;

/**
 * The context creates its data dir on first use, as in the proxy; here it sits under one folder
 * per test process, removed when the process exits.
 */
function testDataDir(id: string): string {
  if (dataRoot === undefined) {
    const root = (dataRoot = join(tmpdir(), `infrarust-test-kit-${process.pid}-${Math.random().toString(36).slice(2, 8)}`));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return join(dataRoot, `${++harnesses}-${id}`);
}
