/**
 * The core modules of a transpiled component (component-cache.ts), compiled once on the main
 * thread with the plugin's memory maximum written into them (memory-limit.ts) and handed to each
 * worker in `workerData` (a WebAssembly.Module is shared with workers, not copied). A restart or a
 * reload of the same bytes with the same cap reuses them: the worker only instantiates.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { InfrarustError } from '../../errors.ts';
import { withMemoryMaximum } from './memory-limit.ts';

export type CoreModules = Record<string, WebAssembly.Module>;

/** Folder + cap → compiled modules. Small: one entry per loaded component version. */
const cache = new Map<string, Promise<CoreModules>>();
const CACHE_ENTRIES = 16;
let flagsSet = false;
/** The tsconfig has no DOM lib: WebAssembly is typed as a namespace only. */
const wasm = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }).WebAssembly;

export function coreModules(dir: string, maxMemoryBytes: number, label: string): Promise<CoreModules> {
  const key = `${dir}\0${maxMemoryBytes}`;
  let entry = cache.get(key);
  if (entry !== undefined) {
    cache.delete(key); // most recently used last
    cache.set(key, entry);
    return entry;
  }
  entry = compileAll(dir, maxMemoryBytes, label);
  entry.catch(() => cache.delete(key));
  cache.set(key, entry);
  while (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  return entry;
}

/** Number of cached compiled components (tests: it must not grow with reloads of the same bytes). */
export function coreModuleCacheSize(): number {
  return cache.size;
}

async function compileAll(dir: string, maxMemoryBytes: number, label: string): Promise<CoreModules> {
  if (!flagsSet) {
    // QuickJS output uses extended-const (guest-worker.ts says why this is set at run time).
    setFlagsFromString('--experimental-wasm-extended-const');
    flagsSet = true;
  }
  const names = (await readdir(dir)).filter((n) => n.endsWith('.wasm'));
  const out: CoreModules = {};
  await Promise.all(
    names.map(async (name) => {
      const limited = withMemoryMaximum(await readFile(join(dir, name)), maxMemoryBytes);
      if (limited.tooLarge > 0) {
        throw new InfrarustError('IR_ERR_WASM_MEMORY', `${label}: ${name} starts with more memory than its ${Math.round(maxMemoryBytes / 1048576)} MiB maximum; raise [plugins.<id>.wasm] memory_limit_mb`);
      }
      out[name] = await wasm.compile(limited.bytes);
    }),
  );
  return out;
}
