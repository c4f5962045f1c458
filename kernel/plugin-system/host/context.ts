/**
 * Builds a plugin's context: its logger, frozen config, data dir, abort signal, and registration
 * methods that record every registration in the plugin's ledger so unload can undo it. What a
 * plugin registers is wrapped to run in its scope (scoped-registrations.ts), so faults in code it
 * schedules from there are attributed to it.
 */
import { mkdirSync } from 'node:fs';
import type { Logger } from '../../log/logger.ts';
import type { PluginContext, PluginManifest, ProxyApi, ScheduledTask, ServiceMap } from '../../../sdk/plugin.ts';
import type { PluginLayers } from '../../layers/plugin-layers.ts';
import { Ledger } from './ledger.ts';
import { commandNames, pluginOf } from '../../layers/registries.ts';
import { callPlugin } from './call.ts';
import { createDurableFiles } from './durable-files.ts';
import { scopedCodecFactory, scopedCommand, scopedLimboHandler, scopedListener, scopedTask, scopedTransportFilter } from './scoped-registrations.ts';
import type { CommandSource } from '../../../sdk/commands.ts';

export interface ContextParts<C> {
  owner: string;
  manifest: PluginManifest;
  log: Logger;
  config: C;
  /** The plugin's own infrarust.toml sections, resolved and frozen (empty when it declares none). */
  sections: Readonly<Record<string, unknown>>;
  /** A section of a server file as currently loaded (undefined for an unknown server). */
  serverSection: (serverId: string, name: string) => unknown;
  /** The folder of infrarust.toml (default: the working directory, as for the embedded config). */
  configDir?: string;
  dataDir: string;
  layers: PluginLayers;
  proxy: ProxyApi;
  /** Where scheduled tasks get their timers; default real, unref'd ones (the test kit runs them by hand). */
  timers?: Timers;
}

/**
 * Starts a timer that calls `run` after `ms` (every `ms` when `repeat`) and returns what stops it.
 * `run` returns the task's promise when it has one (already caught and logged).
 */
export type Timers = (ms: number, run: () => Promise<unknown> | undefined, repeat: boolean) => () => void;

/** Node's timers, unref'd: a plugin's task never keeps the process alive. */
export const realTimers: Timers = (ms, run, repeat) => {
  const timer = repeat ? setInterval(run, ms) : setTimeout(run, ms);
  timer.unref();
  return () => (repeat ? clearInterval(timer) : clearTimeout(timer));
};

export interface OwnedContext<C> {
  context: PluginContext<C>;
  ledger: Ledger;
  abort: AbortController;
}

export function createPluginContext<C>(parts: ContextParts<C>): OwnedContext<C> {
  const { owner, layers, log, timers = realTimers } = parts;
  const ledger = new Ledger();
  const abort = new AbortController();
  let dataDirMade = false;
  const context: PluginContext<C> = {
    id: parts.manifest.id,
    manifest: Object.freeze({ ...parts.manifest }),
    log,
    config: parts.config,
    sections: parts.sections as PluginContext<C>['sections'],
    serverSection: (serverId: string, name: string) => parts.serverSection(serverId, name) as never,
    configDir: parts.configDir ?? process.cwd(),
    get dataDir(): string {
      if (!dataDirMade) mkdirSync(parts.dataDir, { recursive: true });
      dataDirMade = true;
      return parts.dataDir;
    },
    signal: abort.signal,
    proxy: parts.proxy,
    events: {
      on: (name, listener, options) =>
        ledger.add('listener', name, layers.events.on(owner, name, scopedListener(owner, `event:${name}`, listener), options)),
      onPacket: (selector, listener, options) =>
        ledger.add('listener', `RawPacket ${selector.direction}/${selector.state}/0x${selector.packetId.toString(16)}`, layers.events.onPacket(owner, selector, scopedListener(owner, 'event:RawPacket', listener), options)),
      emit: (name, event) => layers.events.fire(name, event),
    },
    transport: { register: (filter) => ledger.add('transport-filter', filter.id, layers.transport.register(owner, scopedTransportFilter(owner, filter))) },
    codec: { register: (factory) => ledger.add('codec-filter', factory.id, layers.codec.register(owner, scopedCodecFactory(owner, factory))) },
    limbo: { register: (handler) => ledger.add('limbo-handler', handler.name, layers.registries.limbo.add(owner, [handler.name], scopedLimboHandler(owner, handler))) },
    commands: {
      register: (command) => ledger.add('command', command.name, layers.registries.commands.add(owner, commandNames(command), scopedCommand(owner, command))),
      list: () => listCommands(layers),
      run: (name, source, args) => runCommand(layers, name, source, args, log),
    },
    files: createDurableFiles({ signal: abort.signal, log, delay: (ms, task) => context.scheduler.delay(ms, task) }),
    services: {
      provide: (name, implementation) => ledger.add('service', name, layers.registries.services.add(owner, [name], implementation as object)),
      get: <K extends keyof ServiceMap>(name: K) => layers.registries.services.get(name) as ServiceMap[K] | undefined,
    },
    scheduler: {
      delay: (ms, task) => schedule(ledger, log, timers, 'delay', ms, scopedTask(owner, 'delay', task), false),
      interval: (ms, task) => schedule(ledger, log, timers, 'interval', ms, scopedTask(owner, 'interval', task), true),
    },
  };
  return { context, ledger, abort };
}

function schedule(ledger: Ledger, log: Logger, timers: Timers, kind: string, ms: number, task: () => void | Promise<void>, repeat: boolean): ScheduledTask {
  const failed = (err: unknown): void => log.error({ err, hook: `scheduler:${kind}` }, 'scheduled task failed');
  const run = (): Promise<unknown> | undefined => {
    let pending: Promise<unknown> | undefined;
    try {
      const r = task();
      if (r instanceof Promise) pending = r.catch(failed);
    } catch (err) {
      failed(err);
    }
    if (!repeat) cancel();
    return pending;
  };
  const cancel = ledger.add('task', `${kind} ${ms}ms`, timers(ms, run, repeat));
  return { cancel };
}

function listCommands(layers: PluginLayers): { name: string; aliases: readonly string[]; description?: string; usage?: string; plugin: string }[] {
  return layers.registries.commands
    .entries()
    .map(({ owner, value }) => ({ name: value.name, aliases: value.aliases ?? [], description: value.description, usage: value.usage, plugin: pluginOf(owner) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function runCommand(layers: PluginLayers, name: string, source: CommandSource, args: string[], log: Logger): Promise<boolean> {
  const key = name.toLowerCase();
  const command = layers.registries.commands.get(key);
  if (command === undefined) return false;
  if (command.permission !== undefined && !source.hasPermission(command.permission)) {
    source.reply(`§cYou lack the permission ${command.permission}.`);
    return true;
  }
  const plugin = pluginOf(layers.registries.commands.ownerOf(key) ?? 'unknown');
  try {
    await callPlugin(plugin, `command:${command.name}`, 30_000, () => command.execute(source, args));
  } catch (err) {
    log.error({ err, plugin, hook: `command:${command.name}` }, 'command failed');
    source.reply(`§cThe command failed: ${(err as Error).message}`);
  }
  return true;
}
