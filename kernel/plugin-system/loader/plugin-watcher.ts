/**
 * Watches plugin folders (`plugins_dir`, builtin-plugins/ in dev) and reports, per plugin folder
 * (the first path segment under a watched dir): added, changed, removed. Events are debounced
 * per plugin folder, so a save that touches several files gives one call; the decision is made
 * from the folder's state when the burst ends (exists now / existed before), not from the raw
 * event kinds, which differ between platforms and editors.
 *
 * On macOS and Windows this is `fs.watch(dir, { recursive: true })` (native). On Linux, Node 20's
 * recursive mode is emulated with one inotify watch per *file* and loses a file after an atomic
 * save (write a temp file, rename it over the original: later edits give no event; verified on
 * 20.20), and it also watches every file of node_modules. So on Linux this module watches each
 * directory non-recursively (one watch per directory, node_modules and dot-folders skipped) and
 * adds/drops watches as folders appear and disappear.
 *
 * Ignored: any path with a `node_modules` or dot-prefixed segment, editor temp files (`*~`,
 * `*.swp`/`.swx`/`.swo`, `*.tmp`, `#…#`, vim's `4913` probe), and whatever `ignore` rejects.
 * Only directories are plugin folders; top-level files (README.md, *.wasm) are not reported.
 * Callbacks of one plugin folder never overlap: a burst that ends while the previous callback's
 * promise is pending is handled after it settles.
 */
import { readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join, resolve } from 'node:path';

export interface PluginWatchOptions {
  /** An existing plugin folder's files changed (also: the folder was replaced). */
  onChange(pluginDir: string): void | Promise<void>;
  /** A plugin folder disappeared (deleted or renamed away). */
  onRemoved(pluginDir: string): void | Promise<void>;
  /** A new plugin folder appeared; its files may still be arriving (a later onChange follows). */
  onAdded(pluginDir: string): void | Promise<void>;
  /** Quiet time per plugin folder before reporting; default 75 ms. */
  debounceMs?: number;
  /** Extra filter on paths relative to the watched dir ('/'-separated); true = ignore. */
  ignore?(relativePath: string): boolean;
  /** Errors thrown by callbacks and watcher errors; without it, callback errors are rethrown. */
  onError?(err: unknown): void;
  /** Use fs.watch's recursive mode; default: only where it is native (macOS, Windows). */
  recursive?: boolean;
  /**
   * Without recursive mode: how deep under a plugin folder to watch (0: the plugin folder's own
   * entries only, as production does for `<id>.wasm` and plugin.json); default unlimited.
   */
  maxDepth?: number;
}

export interface PluginWatcher {
  close(): void;
}

const TEMP_FILE = /(~|\.sw[pxo]|\.tmp)$|^#.*#$|^4913$/;

/** True for paths the watcher never reports ('/' or '\\' separated, relative to a watched dir). */
export function isIgnoredPath(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]+/).filter((p) => p !== '');
  if (parts.length === 0) return true;
  if (parts.some((p) => p === 'node_modules' || p.startsWith('.'))) return true;
  return TEMP_FILE.test(parts[parts.length - 1]);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function subdirectories(dir: string, followLinks: boolean): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => !isIgnoredPath(d.name) && (d.isDirectory() || (followLinks && d.isSymbolicLink() && isDirectory(join(dir, d.name)))))
      .map((d) => d.name);
  } catch {
    return [];
  }
}

export function watchPluginDirs(dirs: string[], options: PluginWatchOptions): PluginWatcher {
  const debounceMs = options.debounceMs ?? 75;
  const maxDepth = options.maxDepth ?? Infinity;
  const recursive = options.recursive ?? (process.platform === 'darwin' || process.platform === 'win32');
  const watchers = new Map<string, FSWatcher>();
  const inodes = new Map<string, number>();
  const timers = new Map<string, NodeJS.Timeout>();
  const known = new Set<string>();
  /** Plugin folder → settles when its running callback does; `rerun` set if a burst ended meanwhile. */
  const running = new Map<string, { rerun: boolean }>();
  let closed = false;

  function fail(err: unknown): void {
    if (options.onError) options.onError(err);
    else throw err;
  }

  function ignored(rel: string): boolean {
    return isIgnoredPath(rel) || options.ignore?.(rel.replace(/\\/g, '/')) === true;
  }

  function settle(pluginDir: string): void {
    if (closed) return;
    const busy = running.get(pluginDir);
    if (busy) {
      busy.rerun = true;
      return;
    }
    const exists = isDirectory(pluginDir);
    const was = known.has(pluginDir);
    let call: (() => void | Promise<void>) | undefined;
    if (exists && !was) {
      known.add(pluginDir);
      if (!recursive) watchTree(pluginDir, true, 0);
      call = () => options.onAdded(pluginDir);
    } else if (!exists && was) {
      known.delete(pluginDir);
      if (!recursive) unwatchTree(pluginDir);
      call = () => options.onRemoved(pluginDir);
    } else if (exists && was) {
      call = () => options.onChange(pluginDir);
    }
    if (call === undefined) return;
    const state = { rerun: false };
    running.set(pluginDir, state);
    const done = (): void => {
      running.delete(pluginDir);
      if (state.rerun) settle(pluginDir);
    };
    let result: void | Promise<void>;
    try {
      result = call();
    } catch (err) {
      done();
      fail(err);
      return;
    }
    if (result instanceof Promise) {
      result.then(done, (err: unknown) => {
        done();
        fail(err);
      });
    } else {
      done();
    }
  }

  function schedule(pluginDir: string): void {
    if (closed) return;
    const pending = timers.get(pluginDir);
    if (pending !== undefined) clearTimeout(pending);
    timers.set(pluginDir, setTimeout(() => {
      timers.delete(pluginDir);
      settle(pluginDir);
    }, debounceMs));
  }

  /** A path changed under `root` (relative; null when the platform gave no name). */
  function report(root: string, rel: string | null): void {
    if (closed) return;
    if (rel === null) {
      // Unknown which entry: re-check every known folder and look for new ones.
      for (const dir of known) if (dir.startsWith(root)) schedule(dir);
      for (const name of subdirectories(root, true)) schedule(join(root, name));
      return;
    }
    if (ignored(rel)) return;
    const first = rel.split(/[\\/]+/)[0];
    schedule(join(root, first));
  }

  // Linux: one non-recursive watch per directory, remembered with the directory's inode so a
  // folder deleted and re-created under the same name gets a fresh watch.
  function watchDirectory(dir: string, onEvent: (name: string | null) => void): void {
    if (closed) return;
    let ino: number;
    try {
      ino = statSync(dir).ino;
    } catch {
      return;
    }
    const current = watchers.get(dir);
    if (current !== undefined) {
      if (inodes.get(dir) === ino) return;
      current.close();
      watchers.delete(dir);
    }
    let watcher: FSWatcher;
    try {
      watcher = watch(dir, { persistent: true }, (_event, name) => onEvent(name === null ? null : String(name)));
    } catch {
      return; // Gone already (a removal in progress); the parent's event reports it.
    }
    watcher.on('error', () => {
      watcher.close();
      if (watchers.get(dir) === watcher) watchers.delete(dir);
    });
    watchers.set(dir, watcher);
    inodes.set(dir, ino);
  }

  /** A directory entry changed: watch it if it is a (new) directory, drop stale watches if not. */
  /** `depth` of `child`: 0 for a plugin folder, 1 for its subfolders… */
  function entryChanged(child: string, name: string, followLinks: boolean, depth: number): void {
    if (!isIgnoredPath(name) && isDirectory(child)) watchTree(child, followLinks, depth);
    else unwatchTree(child);
  }

  function watchTree(dir: string, followLinks: boolean, depth: number): void {
    if (depth > maxDepth) return;
    watchDirectory(dir, (name) => {
      if (name === null) {
        for (const sub of subdirectories(dir, false)) watchTree(join(dir, sub), false, depth + 1);
        reportFromTree(dir, null);
        return;
      }
      entryChanged(join(dir, name), name, false, depth + 1);
      reportFromTree(dir, name);
    });
    for (const sub of subdirectories(dir, followLinks)) watchTree(join(dir, sub), false, depth + 1);
  }

  function unwatchTree(dir: string): void {
    for (const [path, watcher] of watchers) {
      if (path === dir || path.startsWith(dir + '/')) {
        watcher.close();
        watchers.delete(path);
        inodes.delete(path);
      }
    }
  }

  const roots: string[] = [];
  function reportFromTree(dir: string, name: string | null): void {
    const root = roots.find((r) => dir === r || dir.startsWith(r + '/'));
    if (root === undefined) return;
    const relDir = dir === root ? '' : dir.slice(root.length + 1);
    if (name === null) {
      report(root, relDir === '' ? null : relDir);
      return;
    }
    report(root, relDir === '' ? name : `${relDir}/${name}`);
  }

  try {
    for (const dirArg of dirs) {
      const root = resolve(dirArg);
      if (roots.includes(root)) continue;
      if (!isDirectory(root)) throw Object.assign(new Error(`plugin folder ${root} does not exist or is not a directory`), { code: 'ENOENT', path: root });
      roots.push(root);
      for (const name of subdirectories(root, true)) known.add(join(root, name));
      if (recursive) {
        const watcher = watch(root, { recursive: true, persistent: true }, (_event, name) => report(root, name === null ? null : String(name)));
        watcher.on('error', (err) => {
          if (!closed) options.onError?.(err);
        });
        watchers.set(root, watcher);
      } else {
        watchDirectory(root, (name) => {
          if (name !== null) entryChanged(join(root, name), name, true, 0);
          report(root, name);
        });
        for (const name of subdirectories(root, true)) watchTree(join(root, name), true, 0);
      }
    }
  } catch (err) {
    for (const w of watchers.values()) w.close();
    throw err;
  }

  return {
    close() {
      if (closed) return;
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
