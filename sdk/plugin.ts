/**
 * The plugin contract: a manifest (`plugin.json`, read and validated before any code runs) and a
 * module whose default export is `definePlugin({...})`. Everything a plugin registers through its
 * context is owned by it and undone when it unloads.
 *
 * @example
 * import { z } from 'zod';
 * import { definePlugin, EventPriority } from 'infrarust/sdk';
 * export default definePlugin({
 *   configSchema: z.object({ motd: z.string().default('§aHello') }),
 *   setup(ctx) {
 *     ctx.events.on('ProxyPing', (e) => { e.response.description = { text: ctx.config.motd }; }, { priority: EventPriority.LATE });
 *   },
 * });
 */
import type { Logger } from 'pino';
import type { z, ZodType } from 'zod';
import type { EventListener, EventName, ListenOptions, PacketSelector, EventMap, PlayerRef } from './events.ts';
import type { CodecFilterFactory, TransportFilter } from './filters.ts';
import type { LimboHandler } from './limbo.ts';
import type { Command, CommandSource } from './commands.ts';
import type { Player } from './player.ts';

/** The plugin API version this sdk implements (manifests give a range). */
export const API_VERSION = '0.1.0';

/** Manifest id rule: lowercase, starts with a letter, at most 64 characters. */
export const PLUGIN_ID_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;

export interface PluginDependency {
  id: string;
  /** An optional dependency loads first when present; its absence is not an error. */
  optional?: boolean;
}

/** `plugin.json`. */
export interface PluginManifest {
  id: string;
  name?: string;
  version: string;
  /** A semver range of API_VERSION values this plugin works with, e.g. "^0.1.0". */
  apiVersion: string;
  description?: string;
  /** Entry file relative to the plugin folder; default `index.ts`. */
  main?: string;
  /**
   * A security gate (IP filter, bans, …): if it fails to load at startup, the proxy refuses to
   * start instead of running without it (fail closed). Disabling it in config is still allowed.
   */
  critical?: boolean;
  dependencies?: PluginDependency[];
  /**
   * Top-level sections of infrarust.toml this plugin implements, e.g. `["rate_limit"]`. Declared
   * here so the proxy knows the owner without running code (a disabled plugin's section is
   * reported, not an error); the schemas are the definition's `sections`.
   */
  sections?: string[];
  /** Sections of servers/*.toml this plugin implements, e.g. `["ip_filter"]`. */
  serverSections?: string[];
  /**
   * What the plugin needs from the proxy, for sandboxed (WASM) plugins: each name is a WIT
   * interface the host grants or refuses at load. Native plugins are trusted and may leave it empty.
   */
  capabilities?: string[];
}

/** zod schemas by section name: what a plugin declares it validates. */
export type SectionSchemas = Record<string, ZodType>;

/** The resolved values of declared sections, by name. */
export type SectionValues<S extends SectionSchemas> = { readonly [K in keyof S]: Readonly<z.output<S[K]>> };

/** Undoes a registration. Calling it twice is harmless. */
export type Unregister = () => void;

export interface ScheduledTask {
  cancel(): void;
}

/**
 * The services plugins provide, by name: a plugin that offers one declares it here by declaration
 * merging, so `ctx.services.provide` checks the implementation and `ctx.services.get` returns it
 * typed, with no cast. A consumer gets the entry by importing the provider's types.
 *
 * @example
 * // ban/api.ts, next to the BanService interface
 * declare module 'infrarust/sdk' {
 *   interface ServiceMap { ban: BanService }
 * }
 * // another plugin, which imports the types of ban/api.ts: typed BanService | undefined
 * await ctx.services.get('ban')?.ban({ type: 'username', value: 'Griefer' });
 */
export interface ServiceMap {}

/** A live connection as plugins see it. */
export interface ConnectionSummary {
  readonly connectionId: number;
  /** The real client address (from the PROXY header when one was received). */
  readonly remoteAddress: string;
  readonly phase: 'accepted' | 'handshake' | 'status' | 'login' | 'relay' | 'closed';
  readonly domain?: string;
  readonly serverId?: string;
  readonly username?: string;
  readonly uuid?: string;
  readonly protocolVersion?: number;
}

export interface ServerSummary {
  readonly id: string;
  readonly domains: readonly string[];
  readonly addresses: readonly string[];
  readonly proxyMode: string;
  readonly connections: number;
  /** The `balance` strategy: "first_available", "round_robin", "least_connections" or "random". */
  readonly balance?: string;
  /**
   * Each address's health and live connections, as the load balancer sees them (addresses built
   * from wildcard captures are listed while they are in use or marked unhealthy).
   * @example
   * const down = ctx.proxy.servers().flatMap((s) => (s.health ?? []).filter((a) => !a.healthy).map((a) => `${s.id} ${a.address}`));
   */
  readonly health?: readonly AddressHealthSummary[];
  /**
   * Where the server comes from: `"file"` (servers/*.toml) or the id of the provider that
   * offered it (`"docker@local"`), with `origin` saying which source (`"container mc1"`).
   * @example ctx.proxy.servers().filter((s) => s.source !== 'file').map((s) => `${s.id} (${s.source}: ${s.origin})`)
   */
  readonly source?: string;
  readonly origin?: string;
  /** The server's `max_players` (0: no cap); the `queue` plugin enforces it. */
  readonly maxPlayers?: number;
}

/** One backend address of a server, as `ServerSummary.health` lists it. */
export interface AddressHealthSummary {
  /** "host:port". */
  readonly address: string;
  readonly weight: number;
  /** False while health checks or failed connects keep players away from it. */
  readonly healthy: boolean;
  /** Live connections through it (what `least_connections` compares). */
  readonly connections: number;
  /** Why it last changed state ('' when it never did). */
  readonly reason: string;
}

export interface PluginSummary {
  readonly id: string;
  readonly version: string;
  readonly source: 'builtin' | 'user';
  readonly state: string;
  readonly error?: string;
}

/** One line of the proxy's log as `ProxyApi.logs` returns it. */
export interface LogEntry {
  /** Epoch milliseconds. */
  readonly time: number;
  readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  readonly msg: string;
  /** The plugin that logged it, when one did. */
  readonly plugin?: string;
  /** The line's other fields (bindings such as `conn`, `player`, `server`, `err`). */
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * The proxy's recent log lines and a live feed of new ones (what the proxy writes at its
 * configured level; the API key and other redacted fields never appear).
 * @example
 * const last = ctx.proxy.logs.history(50).filter((l) => l.level === 'error');
 * const off = ctx.proxy.logs.subscribe((line) => forward(line));
 * ctx.signal.addEventListener('abort', off); // a subscription is not owned: end it on unload
 */
export interface ProxyLogs {
  /** Up to `limit` (default and maximum 1000) of the newest lines, oldest first. */
  history(limit?: number): LogEntry[];
  /** Calls `listener` for each new line, synchronously as it is written: keep it cheap. */
  subscribe(listener: (line: LogEntry) => void): Unregister;
}

/**
 * Counters the kernel keeps for monitoring (`ctx.proxy.stats()`), cheap to keep and to read: a
 * snapshot, built when called. Counters only grow (a reloaded plugin's event timings included);
 * they count since the process started.
 * @example
 * const s = ctx.proxy.stats();
 * ctx.log.info({ up: s.relay.bytesUp, down: s.relay.bytesDown, held: s.limbo.held }, 'stats');
 */
export interface ProxyStats {
  /**
   * Bytes of passthrough relays (passthrough, zero_copy, server_only) exchanged with backends:
   * `bytesUp` client → backend (the replayed handshake and login start included), `bytesDown`
   * backend → client. JS relays are counted live (read from their sockets when asked); native
   * (splice) relays when they end, as the addon reports totals then.
   */
  readonly relay: { readonly bytesUp: number; readonly bytesDown: number; readonly ended: number };
  /** Players held in the limbo world now (a handler answered hold), by handler name (`$limbo`: a plain `switchServer('$limbo')`). */
  readonly limbo: { readonly held: number; readonly byHandler: Readonly<Record<string, number>> };
  /**
   * Server-list answers for routed servers: `hits` from the status cache, `stale` (an expired
   * entry served while one refresh runs), `misses` (the backend was asked and waited for, or had
   * failed), `entries` cached now. Pings of sleeping managed servers and unknown domains never
   * reach the cache and are not counted.
   */
  readonly statusCache: { readonly hits: number; readonly stale: number; readonly misses: number; readonly entries: number };
  /** Event listener calls and time, per plugin and event ({@link EventTiming}). */
  readonly events: readonly EventTiming[];
}

/**
 * Calls of one plugin's listeners of one event. Listeners that return a promise are timed every
 * call (from the call until the promise settles); synchronous ones are timed 1 call in 64, as a
 * clock read costs about as much as a trivial listener: estimate their total as
 * `syncSampledSeconds / syncSampled * (calls - asyncCalls)`.
 * @example
 * const slow = ctx.proxy.stats().events.filter((t) => t.asyncCalls > 0 && t.asyncSeconds / t.asyncCalls > 0.05);
 */
export interface EventTiming {
  readonly plugin: string;
  readonly event: string;
  readonly calls: number;
  readonly asyncCalls: number;
  readonly asyncSeconds: number;
  readonly syncSampled: number;
  readonly syncSampledSeconds: number;
}

/** Read access to the proxy's own configuration and connections, and the controls plugins need. */
export interface ProxyApi {
  /** The proxy's version, e.g. "0.1.0". */
  readonly version: string;
  /** Milliseconds since the proxy started. */
  uptimeMs(): number;
  /** The configured servers (current files in servers/). */
  servers(): ServerSummary[];
  /** Every discovered plugin with its state. */
  plugins(): PluginSummary[];
  /** Starts the graceful shutdown, as SIGTERM does. */
  shutdown(): void;
  /**
   * A top-level key of infrarust.toml as the proxy resolved it (plugin sections included), for
   * showing to operators (the console's `config` command). Plugins read their own sections
   * through `ctx.sections`, typed. @example ctx.proxy.describeConfig('status_cache')
   */
  describeConfig(key: string): unknown;
  /** Every live connection. */
  connections(): ConnectionSummary[];
  /**
   * Ends a connection: before the relay the player sees `reason` (login disconnect); a relayed
   * passthrough connection is closed (its stream is the backend's, the proxy cannot add a message).
   * Returns false when no such connection exists.
   */
  disconnect(connectionId: number, reason: string): boolean;
  /**
   * The players connected now: intercepted ones (`client_only`, `offline`), which can be sent
   * chat, titles, boss bars and packets, and passthrough ones, whose sends answer
   * `{ ok: false, code: 'passthrough' }` (check `player.mode`). A player is listed once the
   * proxy knows who it is (a passthrough relay started, an intercepted login succeeded) until
   * its connection closes.
   * @example
   * for (const p of ctx.proxy.players()) if (p.mode === 'intercepted') p.sendMessage('§eRestart in 5 minutes');
   */
  players(): Player[];
  /**
   * One player: by name (case-insensitive) or UUID (dashed or not) for a string, by connection
   * id for a number; undefined when no such player is connected.
   * @example
   * const r = ctx.proxy.player('Steve')?.sendTitle('§6Welcome', 'to the lobby');
   * if (r !== undefined && !r.ok) ctx.log.info({ code: r.code }, r.message);
   */
  player(query: string | number): Player | undefined;
  /**
   * Whether the player's permission checker grants `permission`: the one proxy commands use
   * (`[permissions]`, then `PermissionsSetup` listeners, which fire on its first use, once per
   * connection). Works for a Player and for a limbo session's player (held before any backend);
   * false once the player left.
   * @example
   * onPlayerEnter: async (s) => ((await ctx.proxy.hasPermission(s.player, 'queue.bypass')) ? accept() : hold())
   */
  hasPermission(player: PlayerRef & { readonly verified: boolean }, permission: string): Promise<boolean>;
  /** The proxy's log: recent lines and a live feed ({@link ProxyLogs}). @example ctx.proxy.logs.history(100) */
  readonly logs: ProxyLogs;
  /**
   * Reloads a plugin by id, as editing its files in --dev does: the new version replaces the old
   * one only if its setup succeeds. Resolves false when there is no such plugin or the reload
   * failed (the old version keeps running). A plugin reloading itself is unloaded mid-call.
   * @example if (!(await ctx.proxy.reloadPlugin('ban'))) ctx.log.warn('ban not reloaded');
   */
  reloadPlugin(id: string): Promise<boolean>;
  /** Byte, limbo, status cache and event timing counters ({@link ProxyStats}). @example ctx.proxy.stats().relay.bytesDown */
  stats(): ProxyStats;
}

/**
 * Durable files on disk, provided by the proxy as `ctx.files`: a write replaces the file whole
 * (temp file in the same folder, fsync, rename, fsync the folder), so a crash or a SIGKILL at any
 * moment leaves the old content or the new one, never a mix. Temp files are named
 * `.<name>.<pid>.<n>.tmp` next to the file.
 *
 * @example
 * await ctx.files.removeStaleTemps(file); // at setup, before reading the file
 * const writer = ctx.files.writer(file, () => JSON.stringify(state), { mode: 0o600 });
 * state.count++;
 * await writer.save(); // the new state is on disk
 */
export interface DurableFiles {
  /**
   * Replaces `file` with `text` (folders are created; `mode` default 0o644). Slices of an
   * iterable are written one at a time, so a large file never exists as one string.
   * @example await ctx.files.writeAtomic(join(ctx.dataDir, 'state.json'), JSON.stringify(state))
   */
  writeAtomic(file: string, text: string | Iterable<string>, options?: { mode?: number }): Promise<void>;
  /** Removes the temp files a killed process left next to `file`. @example await ctx.files.removeStaleTemps(file) */
  removeStaleTemps(file: string): Promise<void>;
  /**
   * A writer of the latest state of `file`: one write at a time, `render` called when a write
   * starts, every save requested meanwhile folded into one more write. Pending saves are
   * written when the plugin unloads (its signal aborts); await `flush()` in `teardown`.
   * @example
   * const writer = ctx.files.writer(file, () => encode(store), { minIntervalMs: 2_000, onError: (err) => ctx.log.error({ err }, 'not saved') });
   * writer.save(); // written within 2 s, with every save until then
   */
  writer(file: string, render: () => string | Iterable<string>, options?: FileWriterOptions): FileWriter;
}

/** Options of `ctx.files.writer`. @example { mode: 0o600, minIntervalMs: 2_000 } */
export interface FileWriterOptions {
  /** The file's mode (each write creates the file anew, so it always applies, less the umask); default 0o644. */
  mode?: number;
  /** Waits this long after a save before writing, folding every save meanwhile (a scheduled task of the plugin); default 0: write at once. */
  minIntervalMs?: number;
  /** Each failed write (then retried at the next save or flush); default: logged on the plugin's logger. */
  onError?: (err: Error) => void;
}

/** What `ctx.files.writer` returns. @example teardown: await Promise.all([...writers].map((w) => w.flush())) */
export interface FileWriter {
  /**
   * Resolves once a write that includes the current state reached the disk; rejects when that
   * write failed (also reported to `onError`). Not awaiting it is safe.
   */
  save(): Promise<void>;
  /** Writes what is pending now (a delayed save included); resolves when no write runs or is queued, never rejects. */
  flush(): Promise<void>;
}

export interface PluginContext<Config = Record<string, unknown>, G extends SectionSchemas = {}, S extends SectionSchemas = {}> {
  readonly id: string;
  readonly manifest: Readonly<PluginManifest>;
  /** A pino child logger bound to `{ plugin: id }`. */
  readonly log: Logger;
  /** `[plugins.<id>]`, validated by `configSchema` and frozen. */
  readonly config: Readonly<Config>;
  /**
   * The infrarust.toml sections this plugin owns (`sections` in its definition), validated by
   * their schemas with the rest of the file before anything started, and frozen. A section the
   * file leaves out resolves from `{}` (the schema's defaults), or to undefined when its schema is
   * `.optional()` (a table whose presence turns a feature on, as `[docker]`).
   * @example ctx.sections.rate_limit.window // 10000
   */
  readonly sections: SectionValues<G>;
  /**
   * One server's section that this plugin owns (`serverSections`), as the server file currently
   * loaded says; undefined for an unknown server id. Server files hot-reload: read it when needed.
   * @example ctx.serverSection('lobby', 'ip_filter')?.whitelist
   */
  serverSection<K extends keyof S & string>(serverId: string, name: K): SectionValues<S>[K] | undefined;
  /** The folder of infrarust.toml: relative paths in the plugin's sections resolve against it, as in v2. */
  readonly configDir: string;
  /** `plugins_dir/<id>/data/`, created on first use; the dev watcher ignores it. */
  readonly dataDir: string;
  /** Aborted when the plugin unloads (reload, removal, shutdown). */
  readonly signal: AbortSignal;
  readonly proxy: ProxyApi;
  readonly events: {
    on<K extends EventName>(name: K, listener: EventListener<K>, options?: ListenOptions): Unregister;
    /** RawPacket listeners for selected packets only: unselected packets cost nothing. */
    onPacket(selector: PacketSelector, listener: EventListener<'RawPacket'>, options?: ListenOptions): Unregister;
    /** Fires an observer-style custom notification to other plugins' listeners of that name. */
    emit<K extends EventName>(name: K, event: EventMap[K]): Promise<EventMap[K]>;
  };
  readonly transport: { register(filter: TransportFilter): Unregister };
  readonly codec: { register(factory: CodecFilterFactory): Unregister };
  readonly limbo: { register(handler: LimboHandler): Unregister };
  readonly commands: {
    register(command: Command): Unregister;
    /** Every registered command (any plugin's), sorted by name. */
    list(): { name: string; aliases: readonly string[]; description?: string; usage?: string; plugin: string }[];
    /**
     * Runs a command by name or alias as `source`; false when there is no such command. A
     * command that throws is reported to the source and logged with its plugin id.
     */
    run(name: string, source: CommandSource, args: string[]): Promise<boolean>;
  };
  readonly scheduler: {
    delay(ms: number, task: () => void | Promise<void>): ScheduledTask;
    interval(ms: number, task: () => void | Promise<void>): ScheduledTask;
  };
  /** Atomic, kill-safe file writes and serial writers of a file's latest state ({@link DurableFiles}). */
  readonly files: DurableFiles;
  /** Plugin-to-plugin APIs by name, typed by {@link ServiceMap}. */
  readonly services: {
    /** Offers `implementation` under `name` (unique across plugins) until the plugin unloads. */
    provide<K extends keyof ServiceMap>(name: K, implementation: ServiceMap[K]): Unregister;
    /** The current provider's implementation; look it up when needed, the provider may reload. */
    get<K extends keyof ServiceMap>(name: K): ServiceMap[K] | undefined;
  };
}

export interface PluginDefinition<Config = Record<string, unknown>, G extends SectionSchemas = {}, S extends SectionSchemas = {}> {
  /** Validates `[plugins.<id>]` before setup; its output is `ctx.config`. */
  configSchema?: ZodType<Config>;
  /**
   * Schemas of the top-level infrarust.toml sections this plugin implements (also named in
   * plugin.json `sections`). The proxy validates the whole file with them before it starts.
   * @example sections: { rate_limit: RateLimitSchema }
   */
  sections?: G;
  /** Schemas of the servers/*.toml sections this plugin implements (plugin.json `serverSections`). */
  serverSections?: S;
  /** Registers everything; may be async (plugins cannot use top-level await). */
  setup(ctx: PluginContext<Config, G, S>): void | Promise<void>;
  /** Extra cleanup beyond the registrations the host undoes by itself. */
  teardown?(): void | Promise<void>;
}

/** Identity helper that gives `setup` its types. @example export default definePlugin({ setup(ctx) {} }) */
export function definePlugin<Config = Record<string, unknown>, G extends SectionSchemas = {}, S extends SectionSchemas = {}>(
  definition: PluginDefinition<Config, G, S>,
): PluginDefinition<Config, G, S> {
  return definition;
}
