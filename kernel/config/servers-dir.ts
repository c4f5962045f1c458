/**
 * The `servers/` folder: one TOML file per backend, loaded together and hot-reloaded.
 *
 * One bad file never takes the others down: it is reported and skipped at startup, and on reload
 * the last good version of that file stays in service (v2's rule). Ids that collide across files
 * are a warning and the file that sorts last wins, so the outcome does not depend on readdir order.
 */
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { InfrarustError, isInfrarustError } from '../errors.ts';
import { ConfigError } from './config-error.ts';
import { loadServerFileDetailed, type LoadedServer } from './load.ts';
import type { SectionCatalog } from './sections.ts';

/** Server files: `*.toml`, skipping dot-files (editor locks and swap files such as `.#a.toml`). */
export const isServerFileName = (name: string): boolean => name.endsWith('.toml') && !name.startsWith('.');

export interface ServersDirResult {
  servers: Map<string, LoadedServer>;
  errors: InfrarustError[];
  warnings: string[];
}

/** Creates the folder if needed and lists its server files in name order. */
export async function listServerFiles(dir: string): Promise<string[]> {
  try {
    await mkdir(dir, { recursive: true });
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => !e.isDirectory() && isServerFileName(e.name)).map((e) => e.name).sort();
  } catch (err) {
    throw new InfrarustError('IR_ERR_CONFIG_SERVERS_DIR', `Cannot create or read the servers directory ${dir}: ${(err as Error).message}. Check servers_dir and its permissions.`, { cause: err });
  }
}

/** True when a load failed only because the file is gone (deleted, or renamed away mid-save). */
function vanished(err: unknown): boolean {
  return isInfrarustError(err, 'IR_ERR_CONFIG_READ') && (err.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** Builds the id → server map from per-file results, in file-name order; duplicate ids warn. */
export function indexServers(byFile: ReadonlyMap<string, LoadedServer>, warnings: string[]): Map<string, LoadedServer> {
  const servers = new Map<string, LoadedServer>();
  for (const name of [...byFile.keys()].sort()) {
    const server = byFile.get(name)!;
    const previous = servers.get(server.id);
    if (previous) warnings.push(`server id "${server.id}" is defined by ${previous.file} and ${server.file}; using ${server.file}`);
    servers.set(server.id, server);
  }
  return servers;
}

/** Loads one file into `byFile`; returns whether the entry changed. Errors go to `errors`. */
async function refreshFile(dir: string, name: string, byFile: Map<string, LoadedServer>, errors: InfrarustError[], warnings: string[], catalog?: SectionCatalog): Promise<boolean> {
  try {
    const { server, warnings: w } = await loadServerFileDetailed(join(dir, name), catalog);
    warnings.push(...w);
    const changed = !isDeepStrictEqual(byFile.get(name), server);
    byFile.set(name, server);
    return changed;
  } catch (err) {
    if (vanished(err)) return byFile.delete(name);
    errors.push(err instanceof InfrarustError ? err : new ConfigError('IR_ERR_CONFIG_READ', join(dir, name), [{ file: join(dir, name), line: 0, path: '', message: String(err) }], { cause: err }));
    return false;
  }
}

/** A reload's error, saying what stays in service meanwhile. */
function withConsequence(err: InfrarustError, name: string, kept: boolean): InfrarustError {
  const note = kept
    ? `The previous version of ${name} stays in service until the file is fixed.`
    : `${name} is not loaded until the file is fixed.`;
  return err instanceof ConfigError ? err.withNote(note) : new InfrarustError(err.code, `${err.message}\n${note}`, { cause: err });
}

/**
 * Loads every server file in `dir` (created if missing). Bad files are returned in `errors` and
 * left out; a file deleted between listing and reading is skipped silently.
 */
export async function loadServersDir(dir: string, catalog?: SectionCatalog): Promise<ServersDirResult> {
  const byFile = new Map<string, LoadedServer>();
  const errors: InfrarustError[] = [];
  const warnings: string[] = [];
  for (const name of await listServerFiles(dir)) await refreshFile(dir, name, byFile, errors, warnings, catalog);
  return { servers: indexServers(byFile, warnings), errors, warnings };
}

/** The subset of a pino logger the watcher uses. */
export interface WatchLog {
  warn(msg: string): void;
  info?(msg: string): void;
}

export interface WatchServersOptions {
  /** Called with the complete new id → server map after any effective change. */
  onChange(servers: Map<string, LoadedServer>): void;
  /** A file failed to load (its previous good version stays), or the folder became unreadable. */
  onError(err: InfrarustError): void;
  log?: WatchLog;
  /** The map from a prior loadServersDir; without it the watcher emits its first scan via onChange. */
  initial?: ReadonlyMap<string, LoadedServer>;
  /** Quiet period before a burst of file events is applied (default 150 ms). */
  debounceMs?: number;
  /** The plugin sections server files may carry (sections.ts); v2's, unvalidated, without it. */
  sections?: SectionCatalog;
}

export interface ServersDirWatcher {
  /** Resolves once the initial scan is done and events are being applied. */
  readonly ready: Promise<void>;
  close(): void;
}

/**
 * Watches `dir` and applies added, changed and removed files within about a second. Editors that
 * save through a temp file and rename produce `rename` events; every event simply re-reads the
 * named file, and a file that no longer exists is removed.
 */
export function watchServersDir(dir: string, options: WatchServersOptions): ServersDirWatcher {
  const debounceMs = options.debounceMs ?? 150;
  const byFile = new Map<string, LoadedServer>();
  for (const server of options.initial?.values() ?? []) byFile.set(basename(server.file), server);
  const pending = new Set<string>();
  let rescan = true;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let queue: Promise<void> = Promise.resolve();
  let emittedOnce = options.initial !== undefined;
  let firstScan = true;

  const apply = async (): Promise<void> => {
    const names = new Set(pending);
    pending.clear();
    // The caller already reported the errors of the scan that produced `initial`.
    const quiet = firstScan && options.initial !== undefined;
    firstScan = false;
    if (rescan) {
      rescan = false;
      for (const name of [...byFile.keys(), ...(await listServerFiles(dir))]) names.add(name);
    }
    const errors: InfrarustError[] = [];
    const warnings: string[] = [];
    let changed = false;
    for (const name of [...names].sort()) {
      const before = errors.length;
      changed = (await refreshFile(dir, name, byFile, errors, warnings, options.sections)) || changed;
      if (errors.length > before) errors[errors.length - 1] = withConsequence(errors[errors.length - 1]!, name, byFile.has(name));
    }
    if (closed) return;
    if (!quiet) {
      for (const err of errors) options.onError(err);
      for (const w of warnings) options.log?.warn(w);
    }
    if (!changed && emittedOnce) return;
    emittedOnce = true;
    const duplicates: string[] = [];
    const servers = indexServers(byFile, duplicates);
    for (const w of duplicates) options.log?.warn(w);
    options.log?.info?.(`servers reloaded from ${dir}: ${servers.size} server(s)`);
    options.onChange(servers);
  };

  const run = () => {
    timer = undefined;
    queue = queue.then(apply).catch((err: unknown) => {
      if (!closed) options.onError(err instanceof InfrarustError ? err : new InfrarustError('IR_ERR_CONFIG_SERVERS_DIR', String(err), { cause: err }));
    });
  };

  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, debounceMs);
  };

  let watcher: FSWatcher | undefined;
  const ready = (async () => {
    await listServerFiles(dir); // creates the folder before watching it
    if (closed) return;
    watcher = watch(dir, (_event, filename) => {
      if (filename === null) rescan = true;
      else if (isServerFileName(filename.toString())) pending.add(filename.toString());
      else return;
      schedule();
    });
    watcher.on('error', (err) => options.onError(new InfrarustError('IR_ERR_CONFIG_SERVERS_DIR', `Stopped watching ${dir}: ${err.message}. Restart the proxy to resume hot reload.`, { cause: err })));
    run(); // initial scan: catches changes made between loadServersDir and now
    await queue;
  })();
  ready.catch((err: unknown) => options.onError(err as InfrarustError));

  return {
    ready: ready.catch(() => undefined),
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      watcher?.close();
    },
  };
}
