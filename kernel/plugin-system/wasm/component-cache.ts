/**
 * Transpiles a component with jco once per content hash and keeps the output on disk
 * (`<plugins_dir>/.cache/wasm/<sha256>/`): the glue `guest.js` (no imports of its own), the core
 * modules and `imports.json`. A later load of the same bytes reads the folder and never loads
 * jco (0.5–0.9 s and ~150 MB RSS in-process, reference/toolchain.md). Folders are written under a
 * temporary name and renamed, so a crash never leaves a half-written entry.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { InfrarustError } from '../../errors.ts';

export interface CachedComponent {
  /** The folder holding guest.js and the core modules. */
  dir: string;
  hash: string;
  /** Imported interfaces as jco lists them (`infrarust:plugin/events`, `wasi:cli/stdin`…). */
  imports: string[];
  /** Whether this load transpiled (false: read from the cache). */
  transpiled: boolean;
}

const ENTRY = 'guest.js';
/** Part of the key: a new jco or a new layout of the folder invalidates old entries. */
const LAYOUT = 'jco-1.35-async-v1';

export function contentHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).update('\0' + LAYOUT).digest('hex');
}

export async function cachedComponent(bytes: Uint8Array, cacheRoot: string, label: string): Promise<CachedComponent> {
  const hash = contentHash(bytes);
  const dir = join(cacheRoot, hash);
  const cached = await readFile(join(dir, 'imports.json'), 'utf8').then((t) => JSON.parse(t) as string[], () => undefined);
  if (cached !== undefined) return { dir, hash, imports: cached, transpiled: false };
  const files = await transpileComponent(bytes, label);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  for (const [name, content] of Object.entries(files.files)) {
    if (name.endsWith('.d.ts')) continue;
    await mkdir(dirname(join(tmp, name)), { recursive: true });
    await writeFile(join(tmp, name), content);
  }
  await writeFile(join(tmp, 'imports.json'), JSON.stringify(files.imports));
  await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
    await rm(tmp, { recursive: true, force: true });
    if (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST') throw err; // another load won the race
  });
  return { dir, hash, imports: files.imports, transpiled: true };
}

async function transpileComponent(bytes: Uint8Array, label: string): Promise<{ files: Record<string, Uint8Array>; imports: string[] }> {
  // Loaded on demand: jco is only needed for bytes not seen before.
  const { transpile } = await importToolchain<typeof import('@bytecodealliance/jco')>('@bytecodealliance/jco', label);
  try {
    const out = await transpile(bytes, { name: 'guest', instantiation: 'async', noTypescript: true });
    const files = out.files;
    if (files[ENTRY] === undefined) throw new Error(`jco produced no ${ENTRY}`);
    return { files, imports: [...out.imports] };
  } catch (cause) {
    throw new InfrarustError('IR_ERR_WASM_INVALID', `${label}: not a WebAssembly component jco can read (${(cause as Error)?.message ?? String(cause)})`, { cause });
  }
}

/**
 * Imports a package of the WASM toolchain, an optional dependency (an offline install without it
 * still runs the proxy; components already in the cache still load).
 */
export async function importToolchain<T>(specifier: string, label: string): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw cause;
    throw new InfrarustError('IR_ERR_WASM_TOOLCHAIN', `${label}: ${specifier} is not installed (an optional dependency of infrarust): run \`npm install\` with network access to load new WASM components or build them`, { cause });
  }
}
