/**
 * The plugin host: discovers native plugins, loads them in dependency order, gives each its
 * context, and unloads or hot-swaps them. A new version replaces the old only after its setup
 * succeeded; otherwise the old one keeps running and the error is logged. One bad plugin never
 * stops the others or the proxy.
 */
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../../log/logger.ts';
import type { PluginEntry } from '../../config/index.ts';
import type { PluginDefinition, ProxyApi } from '../../../sdk/plugin.ts';
import type { PluginLayers } from '../../layers/plugin-layers.ts';
import { discoverPlugins, type Candidate, type PluginSource } from './discovery.ts';
import { readManifest } from './manifest.ts';
import { loadOrder } from './load-order.ts';
import { createPluginContext, type OwnedContext } from './context.ts';
import { validatePluginConfig } from './plugin-config.ts';
import { callPlugin } from './call.ts';
import { pluginScope, runInScope, trackAsyncResources } from './plugin-scope.ts';
import { loaderFor, type PluginLoader } from '../loader/plugin-loader.ts';
import { InfrarustError } from '../../errors.ts';
import { pluginOf } from '../../layers/owner.ts';
import { NO_PLUGIN_SECTIONS, sectionOf, type SectionCatalog } from '../../config/index.ts';
import { checkDeclaredSections } from './section-catalog.ts';
import { preparePlugins } from './prepare.ts';

/**
 * A plugin's data lives in `plugins_dir/<id>/data/`: inside its folder (so it moves with it) but
 * in a subfolder the dev watcher ignores, so writing data never triggers a reload.
 */
export const DATA_SUBDIR = 'data';

/** The proxy as seen by plugins loaded outside a running proxy (plugin list, unit tests). */
const OFFLINE_PROXY: ProxyApi = {
  version: '0.0.0',
  uptimeMs: () => 0,
  servers: () => [],
  plugins: () => [],
  shutdown: () => undefined,
  describeConfig: () => undefined,
  connections: () => [],
  disconnect: () => false,
  players: () => [],
  player: () => undefined,
  hasPermission: async () => false,
  logs: { history: () => [], subscribe: () => () => undefined },
  reloadPlugin: async () => false,
  stats: () => ({ relay: { bytesUp: 0, bytesDown: 0, ended: 0 }, limbo: { held: 0, byHandler: {} }, statusCache: { hits: 0, stale: 0, misses: 0, entries: 0 }, events: [] }),
};

/** `quarantined`: a sandboxed (WASM) plugin that faulted too often; disabled until reloaded. */
export type PluginState = 'loaded' | 'failed' | 'disabled' | 'skipped' | 'quarantined';

export interface PluginInfo {
  id: string;
  version: string;
  source: PluginSource;
  dir: string;
  state: PluginState;
  error?: string;
}

interface Active {
  owner: string;
  owned: OwnedContext<unknown>;
  definition: PluginDefinition<unknown>;
}

interface PluginRecord extends Candidate {
  state: PluginState;
  error?: string;
  active?: Active;
  generation: number;
}

export interface PluginHostOptions {
  builtinDir: string;
  pluginsDir: string;
  log: Logger;
  layers: PluginLayers;
  /** One per kind of plugin; the first that accepts a candidate loads it. */
  loaders: readonly PluginLoader[];
  pluginConfig: (id: string) => PluginEntry | undefined;
  /** What plugins see of the proxy; a stand-in with no connections when absent (plugin list, tests). */
  proxy?: ProxyApi;
  /** The resolved plugin-owned sections of infrarust.toml, by name (read at each activation). */
  sections?: () => Readonly<Record<string, unknown>>;
  /** A server's resolved plugin-owned section, as currently loaded. */
  serverSection?: (serverId: string, name: string) => unknown;
  /** The folder of infrarust.toml. */
  configDir?: string;
  setupTimeoutMs?: number;
}

/**
 * What `contain` did about a fault in a plugin's own async code: `unloaded` (an ordinary plugin),
 * `kept` (a critical one stays loaded, its gates failing closed), `failed-setup` (the version
 * was still in setup, which now fails), `stale` (that version is no longer loaded).
 */
export type ContainAction = 'unloaded' | 'kept' | 'failed-setup' | 'stale';

export class PluginHost {
  private readonly records = new Map<string, PluginRecord>();
  private readonly setupTimeoutMs: number;
  /** Versions whose setup is running → the first fault their own code raised meanwhile. */
  private readonly starting = new Map<string, unknown>();

  constructor(private readonly options: PluginHostOptions) {
    this.setupTimeoutMs = options.setupTimeoutMs ?? 10_000;
    for (const loader of options.loaders) loader.bindHost?.(this);
  }

  /**
   * Disables the loaded plugin whose context is `context` (a WASM guest that faulted more often
   * than its recovery policy allows): unloaded as if its folder were removed, state `quarantined`
   * with `reason` until a reload. False when that version is no longer the loaded one.
   */
  async quarantine(context: object, reason: string, err?: unknown): Promise<boolean> {
    const record = [...this.records.values()].find((r) => r.active?.owned.context === context);
    if (record === undefined) return false;
    this.markFailed(record, reason, 'quarantined', err);
    await this.deactivate(record);
    return true;
  }

  get layers(): PluginLayers {
    return this.options.layers;
  }

  /** Folders that looked like plugins but could not be read (bad manifest, duplicate id). */
  readonly discoveryErrors: string[] = [];

  /** Definitions loaded by prepare(), used by the first activation instead of loading again. */
  private readonly prepared = new Map<string, PluginDefinition<unknown> | Error>();
  private found: Awaited<ReturnType<typeof discoverPlugins>> | undefined;

  /**
   * Finds the plugins and loads the code of the enabled ones (no setup runs), so the kernel can
   * validate the config files with their section schemas before anything starts.
   */
  async prepare(): Promise<SectionCatalog> {
    const found = (this.found = await discoverPlugins(this.roots()));
    const enabled = (id: string): boolean => this.options.pluginConfig(id)?.enabled !== false;
    const { catalog, definitions } = await preparePlugins(found.candidates.values(), enabled, async (c) => (await this.loaderOf(c).load(c)).definition);
    for (const [id, d] of definitions) this.prepared.set(id, d);
    return catalog;
  }

  async loadAll(): Promise<void> {
    const found = this.found ?? (await discoverPlugins(this.roots()));
    for (const err of found.errors) {
      this.discoveryErrors.push(err.message);
      this.options.log.error({ code: err.code }, err.message);
    }
    const manifests = new Map([...found.candidates].map(([id, c]) => [id, c.manifest]));
    const { order, skipped } = loadOrder(manifests);
    for (const { id, reason } of skipped) {
      const c = found.candidates.get(id)!;
      this.records.set(id, { ...c, state: 'skipped', error: reason, generation: 0 });
      this.options.log.error({ plugin: id, code: 'IR_ERR_PLUGIN_DEPENDENCY' }, `plugin ${id} skipped: ${reason}`);
    }
    for (const id of order) {
      const c = found.candidates.get(id)!;
      const record: PluginRecord = { ...c, state: 'disabled', generation: 0 };
      this.records.set(id, record);
      const failedDep = (c.manifest.dependencies ?? []).find((d) => d.optional !== true && this.records.get(d.id)?.state !== 'loaded');
      if (failedDep !== undefined) {
        this.markFailed(record, `requires plugin "${failedDep.id}", which did not load`, 'skipped');
        continue;
      }
      await this.activate(record);
    }
  }

  /** Loads (or reloads) the plugin in `dir`: the new version replaces the old one only if its setup succeeds. */
  async reloadDir(dir: string): Promise<boolean> {
    let manifest;
    try {
      manifest = await readManifest(dir);
    } catch (err) {
      this.options.log.error({ code: (err as InfrarustError).code }, (err as Error).message);
      return false;
    }
    const existing = this.records.get(manifest.id);
    if (existing !== undefined && existing.dir !== dir) {
      this.options.log.error({ plugin: manifest.id, code: 'IR_ERR_PLUGIN_DUPLICATE' }, `plugin id "${manifest.id}" is already loaded from ${existing.dir}; ${dir} ignored`);
      return false;
    }
    const record: PluginRecord = existing ?? { dir, source: this.sourceOf(dir), manifest, state: 'disabled', generation: 0 };
    record.manifest = manifest;
    this.records.set(manifest.id, record);
    return this.activate(record);
  }

  /** Unloads the plugin that lives in `dir` (its folder was removed). */
  async unloadDir(dir: string): Promise<void> {
    const record = [...this.records.values()].find((r) => r.dir === dir);
    if (record === undefined) return;
    await this.deactivate(record);
    this.records.delete(record.manifest.id);
    await Promise.all(this.options.loaders.map((l) => l.dispose(record.manifest.id)));
    this.options.log.info({ plugin: record.manifest.id }, `plugin ${record.manifest.id} unloaded (folder removed)`);
  }

  /** Lets the plugin compiler go until the next load (the daemon calls it when not in --dev). */
  async releaseCompiler(): Promise<void> {
    await Promise.all(this.options.loaders.map((l) => l.idle()));
  }

  /** Unloads every plugin, dependents before their dependencies. */
  async shutdown(): Promise<void> {
    for (const record of [...this.records.values()].reverse()) await this.deactivate(record);
    await Promise.all(this.options.loaders.map((l) => l.close()));
  }

  /** Critical plugins that are enabled but did not load: the proxy must not run without them. */
  criticalFailures(): PluginInfo[] {
    return this.list().filter((p) => this.records.get(p.id)?.manifest.critical === true && (p.state === 'failed' || p.state === 'skipped'));
  }

  list(): PluginInfo[] {
    return [...this.records.values()].map((r) => ({
      id: r.manifest.id,
      version: r.manifest.version,
      source: r.source,
      dir: r.dir,
      state: r.state,
      error: r.error,
    }));
  }

  /**
   * Contains a fault that plugin code raised outside the wrapped calls (a throw in its own timer,
   * a promise rejection nobody handled), attributed to the plugin version `owner`. An ordinary
   * plugin is unloaded as if its folder were removed (signal, teardown, ledger) and marked
   * `failed`. A critical plugin is a security gate: unloading it would open the gate, so it stays
   * loaded with its registrations as they are (the last good state); its gates still fail closed
   * when they throw or time out, as always. A version still in setup fails its setup instead.
   * `done` settles when the unload finished.
   */
  contain(owner: string, cause: unknown): { action: ContainAction; done: Promise<void> } {
    const done = Promise.resolve();
    if (this.starting.has(owner)) {
      if (this.starting.get(owner) === undefined) this.starting.set(owner, new InfrarustError('IR_ERR_PLUGIN_FAULT', `faulted during setup: ${describe(cause)}`, { cause }));
      return { action: 'failed-setup', done };
    }
    const record = this.records.get(pluginOf(owner));
    if (record?.active?.owner !== owner) return { action: 'stale', done };
    if (record.manifest.critical === true) {
      record.error = `faulted: ${describe(cause)} (kept loaded: critical plugin, its gates fail closed)`;
      return { action: 'kept', done };
    }
    record.state = 'failed';
    record.error = `faulted: ${describe(cause)}`;
    return { action: 'unloaded', done: this.deactivate(record) };
  }

  /**
   * The plugin whose code appears in `stack` (its bundle's `plugin:<id>/` URL or a file in its
   * folder), topmost frame first: its loaded version's owner key, or `<id>#0` when it is not
   * loaded. For faults that carry no plugin scope (code a plugin ran at module load).
   */
  ownerInStack(stack: string): string | undefined {
    for (const line of stack.split('\n')) {
      if (!line.trimStart().startsWith('at ')) continue;
      for (const record of this.records.values()) {
        if (!framesIn(line, record)) continue;
        return record.active?.owner ?? `${record.manifest.id}#0`;
      }
    }
    return undefined;
  }

  /** Owner keys of live registrations, for conformance checks. */
  activeOwner(id: string): string | undefined {
    return this.records.get(id)?.active?.owner;
  }

  private roots(): { dir: string; source: PluginSource }[] {
    return [
      { dir: this.options.builtinDir, source: 'builtin' },
      { dir: this.options.pluginsDir, source: 'user' },
    ];
  }

  private sourceOf(dir: string): PluginSource {
    return dir.startsWith(this.options.builtinDir) ? 'builtin' : 'user';
  }

  private async activate(record: PluginRecord): Promise<boolean> {
    const id = record.manifest.id;
    const log = this.options.log.child({ plugin: id });
    const entry = this.options.pluginConfig(id);
    if (entry?.enabled === false) {
      await this.deactivate(record);
      record.state = 'disabled';
      log.info(`plugin ${id} disabled by [plugins.${id}] enabled = false`);
      return false;
    }
    const started = Date.now();
    const owner = `${id}#${record.generation + 1}`;
    let owned: OwnedContext<unknown> | undefined;
    try {
      const definition = await this.definitionOf(record);
      const config = validatePluginConfig(id, definition.configSchema, entry);
      owned = createPluginContext({
        owner,
        manifest: record.manifest,
        log,
        config,
        sections: this.sectionsFor(record.manifest.sections ?? []),
        serverSection: this.options.serverSection ?? (() => undefined),
        configDir: this.options.configDir,
        dataDir: join(this.options.pluginsDir, id, DATA_SUBDIR),
        layers: this.options.layers,
        proxy: this.options.proxy ?? OFFLINE_PROXY,
      });
      const ctx = owned.context;
      // A plugin from plugins_dir: carry its scope through async work (plugin-scope.ts has the cost).
      if (record.source === 'user') trackAsyncResources();
      this.starting.set(owner, undefined);
      await callPlugin(id, 'setup', this.setupTimeoutMs, () => runInScope(pluginScope(owner, 'setup'), () => definition.setup(ctx)));
      const fault = this.starting.get(owner);
      if (fault !== undefined) throw fault;
      this.starting.delete(owner);
      const previous = record.active;
      record.active = { owner, owned, definition: definition as PluginDefinition<unknown> };
      record.generation++;
      record.state = 'loaded';
      record.error = undefined;
      if (previous !== undefined) await this.teardown(id, previous);
      log.info({ version: record.manifest.version, ms: Date.now() - started }, `plugin ${id} ${previous === undefined ? 'loaded' : 'reloaded'}`);
      return true;
    } catch (err) {
      this.starting.delete(owner);
      if (owned !== undefined) {
        const abort = owned.abort;
        runInScope(pluginScope(owner, 'setup'), () => abort.abort());
        owned.ledger.undoAll();
      }
      const message = (err as Error).message;
      if (record.active !== undefined) {
        record.error = message;
        log.error({ err, code: (err as InfrarustError).code }, `plugin ${id} reload failed; the previous version keeps running`);
      } else {
        this.markFailed(record, message, 'failed', err);
      }
      return false;
    }
  }

  private loaderOf(candidate: Candidate): PluginLoader {
    const loader = loaderFor(this.options.loaders, candidate);
    if (loader !== undefined) return loader;
    throw new InfrarustError('IR_ERR_PLUGIN_INVALID_MODULE', `plugin ${candidate.manifest.id}: no loader takes its entry ${candidate.manifest.main ?? 'index.ts'} (native plugins are .ts or .js)`);
  }

  /** The definition prepare() loaded (first activation), else the code loaded now (reload). */
  private async definitionOf(record: PluginRecord): Promise<PluginDefinition<unknown>> {
    const early = this.prepared.get(record.manifest.id);
    this.prepared.delete(record.manifest.id);
    if (early instanceof Error) throw early;
    if (early !== undefined) return early;
    const { definition } = await this.loaderOf(record).load(record);
    checkDeclaredSections(record.manifest, definition);
    return definition;
  }

  /** The plugin's own sections, frozen (from startup: infrarust.toml is read once). */
  private sectionsFor(names: readonly string[]): Readonly<Record<string, unknown>> {
    const all = this.options.sections?.() ?? {};
    const out: Record<string, unknown> = {};
    for (const name of names) if (Object.hasOwn(all, name)) out[name] = sectionOf(all, name);
    return Object.freeze(out);
  }

  private markFailed(record: PluginRecord, reason: string, state: PluginState, err?: unknown): void {
    record.state = state;
    record.error = reason;
    this.options.log.error({ plugin: record.manifest.id, err, code: (err as InfrarustError | undefined)?.code }, `plugin ${record.manifest.id} failed: ${reason}`);
  }

  private async deactivate(record: PluginRecord): Promise<void> {
    const active = record.active;
    record.active = undefined;
    if (active !== undefined) await this.teardown(record.manifest.id, active);
    if (record.state === 'loaded') record.state = 'disabled';
  }

  private async teardown(id: string, active: Active): Promise<void> {
    const scope = pluginScope(active.owner, 'teardown');
    runInScope(scope, () => active.owned.abort.abort()); // abort listeners are the plugin's code
    if (active.definition.teardown !== undefined) {
      await callPlugin(id, 'teardown', this.setupTimeoutMs, () => runInScope(scope, () => active.definition.teardown!())).catch((err: unknown) =>
        this.options.log.error({ plugin: id, err }, `plugin ${id} teardown failed`),
      );
    }
    for (const err of active.owned.ledger.undoAll()) this.options.log.error({ plugin: id, err }, 'undoing a registration failed');
    this.options.layers.events.removeOwner(active.owner);
    this.options.layers.transport.removeOwner(active.owner);
    this.options.layers.codec.removeOwner(active.owner);
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}

/** True when a stack line points into `record`'s bundle or folder. */
function framesIn(line: string, record: PluginRecord): boolean {
  if (line.includes(`plugin:${encodeURIComponent(record.manifest.id)}/`)) return true;
  const dir = record.dir.endsWith(sep) ? record.dir : record.dir + sep;
  return line.includes(dir) || line.includes(pathToFileURL(dir).href);
}
