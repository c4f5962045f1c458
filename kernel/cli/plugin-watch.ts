/**
 * What the daemon watches in plugin folders, and what a change does.
 *
 * - `--dev`: builtin-plugins/ and plugins_dir. A native plugin folder reloads on any change (as
 *   before). A WASM plugin folder (plugin.json `main` is a .wasm): when its TypeScript source
 *   (`index.ts` and what it imports) no longer matches `build.json`'s source hash, it is rebuilt
 *   with `plugin build` in this process (~1–4 s; esbuild + componentize), then reloaded.
 * - production (no `--dev`): plugins_dir only, and only WASM plugins. Replacing a plugin's
 *   `.wasm` reloads it; a new WASM plugin folder loads; removing one unloads it. Decision: a
 *   component is sandboxed, its reload keeps the previous version when the new one fails to
 *   load, and replacing the file is an operator action, so honouring it in production is safe.
 *   Native plugins are trusted code compiled into the process: they still reload only in `--dev`
 *   (or through `plugin reload`/the admin API). Edits to a guest's source do nothing in
 *   production: only the component counts.
 *
 * Either way a WASM plugin reloads only when its .wasm bytes differ from the ones last loaded, so
 * a rebuild that writes the same component, or a touch of build.json, reloads nothing.
 *
 * A bare `<id>.wasm` directly in plugins_dir (no folder) is refused, logged once per file with
 * what to do: a plugin is a folder because plugin.json carries its identity, version and
 * capabilities (checked against the component's metadata() and imports), and because its data
 * lives in `<id>/data/`. `infrarust plugin build` and `plugin new --wasm` make that folder.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Logger } from '../log/logger.ts';
import { readManifest } from '../plugin-system/host/manifest.ts';
import { watchPluginDirs, type PluginWatcher } from '../plugin-system/loader/plugin-watcher.ts';
import { BUILD_INFO, buildWasmPlugin, GUEST_ENTRY, guestSource, type BuildInfo } from './plugin-build.ts';

export interface WatchedHost {
  reloadDir(dir: string): Promise<boolean>;
  unloadDir(dir: string): Promise<void>;
}

export interface PluginWatchOptions {
  host: WatchedHost;
  dev: boolean;
  /** `--dev`: builtin-plugins/ and plugins_dir; production: plugins_dir. */
  dirs: string[];
  log: Logger;
  /** The folder under a plugin that holds its data (never watched). */
  dataSubdir: string;
  /** Quiet time before a change counts (default 150 ms: a copied .wasm arrives in pieces). */
  debounceMs?: number;
  /** Rebuilds a WASM guest from source (default: `plugin build`). */
  build?: (dir: string) => Promise<unknown>;
}

const isWasmMain = (main: string | undefined): boolean => main !== undefined && main.endsWith('.wasm');

/** Starts watching; resolves to undefined when there is nothing to watch (no plugins_dir). */
export async function watchPlugins(options: PluginWatchOptions): Promise<PluginWatcher | undefined> {
  const { host, dev, log } = options;
  /** Plugin folder → sha256 of the .wasm last loaded (or found loaded at start). */
  const loaded = new Map<string, string>();
  const dirs: string[] = [];
  for (const root of options.dirs) {
    if (!(await stat(root).then((s) => s.isDirectory(), () => false))) continue;
    dirs.push(root);
    await refuseBareWasm(root, log);
    for (const name of await readdir(root).catch(() => [] as string[])) {
      const dir = join(root, name);
      const hash = await wasmHash(dir);
      if (hash !== undefined) loaded.set(dir, hash);
    }
  }
  if (dirs.length === 0) return undefined;

  const build = options.build ?? buildWasmPlugin;

  async function changed(dir: string): Promise<void> {
    const manifest = await readManifest(dir).catch(() => undefined);
    if (manifest === undefined || !isWasmMain(manifest.main)) {
      if (dev) await host.reloadDir(dir); // native (or a broken manifest, which the host reports)
      return;
    }
    if (dev && (await sourceChanged(dir))) {
      const started = performance.now();
      try {
        await build(dir);
        log.info({ plugin: manifest.id, ms: Math.round(performance.now() - started) }, `plugin ${manifest.id}: source changed, rebuilt ${manifest.main}`);
      } catch (err) {
        log.error({ err, plugin: manifest.id }, `plugin ${manifest.id}: rebuild failed; the loaded version stays`);
        return;
      }
    }
    const hash = await wasmHash(dir);
    if (hash === undefined || hash === loaded.get(dir)) return;
    loaded.set(dir, hash);
    log.info({ plugin: manifest.id, sha256: hash.slice(0, 12) }, `plugin ${manifest.id}: ${manifest.main} changed, reloading`);
    if (!(await host.reloadDir(dir))) loaded.delete(dir); // failed: the next change retries
  }

  return watchPluginDirs(dirs, {
    debounceMs: options.debounceMs ?? 150,
    // Production needs the plugin folders' own entries only (<id>.wasm, plugin.json).
    maxDepth: dev ? undefined : 0,
    onChange: changed,
    onAdded: changed,
    onRemoved: async (dir) => {
      const wasWasm = loaded.delete(dir);
      if (dev || wasWasm) await host.unloadDir(dir);
    },
    ignore: (path) => {
      const parts = path.split('/');
      if (parts[1] === options.dataSubdir) return true;
      // Production looks at components and manifests only.
      return !dev && parts.length > 1 && !(parts.length === 2 && (parts[1].endsWith('.wasm') || parts[1] === 'plugin.json'));
    },
    onError: (err) => log.error({ err }, 'plugin watcher failed'),
  });
}

async function wasmHash(dir: string): Promise<string | undefined> {
  const manifest = await readManifest(dir).catch(() => undefined);
  if (manifest === undefined || !isWasmMain(manifest.main)) return undefined;
  const bytes = await readFile(join(dir, manifest.main!)).catch(() => undefined);
  return bytes === undefined ? undefined : createHash('sha256').update(bytes).digest('hex');
}

/** Whether a WASM plugin folder's TypeScript source no longer matches its build.json (false without source). */
async function sourceChanged(dir: string): Promise<boolean> {
  if (!(await stat(join(dir, GUEST_ENTRY)).then((s) => s.isFile(), () => false))) return false;
  const info = await readFile(join(dir, BUILD_INFO), 'utf8').then((t) => JSON.parse(t) as BuildInfo, () => undefined);
  try {
    const manifest = await readManifest(dir);
    return (await guestSource(dir, manifest, info?.backend ?? 'quickjs')).sourceHash !== info?.sourceHash;
  } catch {
    return true; // does not bundle: the build reports why
  }
}

/** Why each `*.wasm` directly in `root` is not loaded (WASM plugins are folders), one message per file. */
export async function bareWasmMessages(root: string): Promise<string[]> {
  const bare = (await readdir(root).catch(() => [] as string[])).filter((n) => n.endsWith('.wasm')).sort();
  return bare.map((name) => {
    const id = name.slice(0, -'.wasm'.length);
    return (
      `${join(root, name)} is not loaded: a WASM plugin is a folder ${join(root, id)}/ holding plugin.json ("main": "${name}") and ${name}; ` +
      `move it there and write plugin.json (id, version, apiVersion, main, capabilities), or build it with \`infrarust plugin build\`, which writes both`
    );
  });
}

/** Logs an error for each `*.wasm` directly in `root`; returns their names. */
export async function refuseBareWasm(root: string, log: Logger): Promise<string[]> {
  const messages = await bareWasmMessages(root);
  for (const message of messages) log.error({ code: 'IR_ERR_WASM_INVALID' }, message);
  return messages.map((m) => basename(m.slice(0, m.indexOf(' is not loaded'))));
}
