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
import type { ZodType } from 'zod';
import type { EventListener, EventName, ListenOptions, PacketSelector, EventMap } from './events.ts';
import type { CodecFilterFactory, TransportFilter } from './filters.ts';
import type { LimboHandler } from './limbo.ts';
import type { Command, CommandSource } from './commands.ts';

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
}

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
}

export interface PluginSummary {
  readonly id: string;
  readonly version: string;
  readonly source: 'builtin' | 'user';
  readonly state: string;
  readonly error?: string;
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
   * A resolved section of infrarust.toml, as the kernel validated it (durations in ms, addresses
   * parsed), frozen. Top-level keys work too. @example ctx.proxy.config<{ whitelist: unknown[] }>('ip_filter')
   */
  config<T = unknown>(section: string): T | undefined;
  /** A resolved section of one server's file. @example ctx.proxy.serverConfig('lobby', 'ip_filter') */
  serverConfig<T = unknown>(serverId: string, section: string): T | undefined;
  /** Every live connection. */
  connections(): ConnectionSummary[];
  /**
   * Ends a connection: before the relay the player sees `reason` (login disconnect); a relayed
   * passthrough connection is closed (its stream is the backend's, the proxy cannot add a message).
   * Returns false when no such connection exists.
   */
  disconnect(connectionId: number, reason: string): boolean;
}

export interface PluginContext<Config = Record<string, unknown>> {
  readonly id: string;
  readonly manifest: Readonly<PluginManifest>;
  /** A pino child logger bound to `{ plugin: id }`. */
  readonly log: Logger;
  /** `[plugins.<id>]`, validated by `configSchema` and frozen. */
  readonly config: Readonly<Config>;
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
    list(): { name: string; aliases: readonly string[]; description?: string; plugin: string }[];
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
  /** Plugin-to-plugin APIs by name, typed by {@link ServiceMap}. */
  readonly services: {
    /** Offers `implementation` under `name` (unique across plugins) until the plugin unloads. */
    provide<K extends keyof ServiceMap>(name: K, implementation: ServiceMap[K]): Unregister;
    /** The current provider's implementation; look it up when needed, the provider may reload. */
    get<K extends keyof ServiceMap>(name: K): ServiceMap[K] | undefined;
  };
}

export interface PluginDefinition<Config = Record<string, unknown>> {
  /** Validates `[plugins.<id>]` before setup; its output is `ctx.config`. */
  configSchema?: ZodType<Config>;
  /** Registers everything; may be async (plugins cannot use top-level await). */
  setup(ctx: PluginContext<Config>): void | Promise<void>;
  /** Extra cleanup beyond the registrations the host undoes by itself. */
  teardown?(): void | Promise<void>;
}

/** Identity helper that gives `setup` its types. @example export default definePlugin({ setup(ctx) {} }) */
export function definePlugin<Config = Record<string, unknown>>(definition: PluginDefinition<Config>): PluginDefinition<Config> {
  return definition;
}
