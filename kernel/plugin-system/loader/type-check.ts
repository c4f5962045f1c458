/**
 * The type check of the --dev loop. esbuild only strips types, so without it a plugin saved with
 * `e.response.players.max = 'lots'` reloads and the string reaches clients; the native loader
 * runs this before it evaluates a new version, and keeps the old one on errors.
 *
 * It runs TypeScript's `tsc --noEmit` in a child process (the proxy's event loop keeps serving)
 * on a generated tsconfig per plugin: it extends the repository's tsconfig.json (the rules of
 * `npm run typecheck`) and lists only the plugin's entry, so tsc checks the files the bundle is
 * made of (the entry and what it imports; the plugin's tests are not part of it). The shared
 * packages resolve to the proxy's copies, as they do when the plugin runs, so a plugins_dir
 * outside the repository checks too. TypeScript 7's tsc is native: 0.4–0.5 s per check measured
 * on this machine (the example plugin, cold, 2 vCPUs).
 *
 * TypeScript is a devDependency: without it (`npm install --omit=dev`) the check is skipped with
 * one warning. A checker that cannot run (crash, timeout) never blocks a load: it warns.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';

export interface TypeChecker {
  /**
   * Type-checks the plugin whose entry is `entryPath`. Resolves to its errors as
   * `file:line:col: message (TSnnnn)` ([] when clean), or undefined when the check could not run
   * (already logged): the caller loads the code then.
   */
  check(id: string, dir: string, entryPath: string): Promise<string[] | undefined>;
  /** Removes the generated tsconfig files. */
  close(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TIMEOUT_MS = 60_000;
/** Errors shown in one report; the rest are counted. */
const SHOWN = 20;

/** `<dir>/node_modules/<name>` as Node resolves it from the repository (hoisting included). */
function packageDir(name: string): string | undefined {
  for (let dir = REPO_ROOT; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/** What the loader hands a plugin (native-loader.ts SHARED_MODULES), as tsc paths. */
function sharedPaths(): Record<string, string[]> {
  const paths: Record<string, string[]> = {
    'infrarust/sdk': [join(REPO_ROOT, 'sdk/index.ts')],
    'infrarust/sdk/testing': [join(REPO_ROOT, 'kernel/testing/index.ts')],
  };
  for (const name of ['zod', 'pino', 'mitt']) {
    const dir = packageDir(name);
    if (dir === undefined) continue;
    paths[name] = [dir];
    paths[`${name}/*`] = [`${dir}/*`];
  }
  return paths;
}

/** Used when the repository's tsconfig.json is not there (an unusual install). */
const FALLBACK_OPTIONS = { strict: true, skipLibCheck: true, allowImportingTsExtensions: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', types: ['node'] };

function tsconfigFor(entryPath: string): object {
  const base = join(REPO_ROOT, 'tsconfig.json');
  const types = packageDir('@types/node');
  const hasBase = existsSync(base);
  return {
    ...(hasBase ? { extends: base } : {}),
    compilerOptions: {
      ...(hasBase ? {} : FALLBACK_OPTIONS),
      noEmit: true,
      paths: sharedPaths(),
      // Type roots are found from the tsconfig's folder, which is a temporary one.
      ...(types !== undefined ? { typeRoots: [dirname(types)] } : {}),
    },
    files: [entryPath],
    include: [],
  };
}

function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** tsc's `--pretty false` output → `file:line:col: message (TSnnnn)`, continuation lines kept. */
export function parseTscOutput(output: string, cwd: string): { located: string[]; other: string[] } {
  const located: string[] = [];
  const other: string[] = [];
  let last: string[] | undefined;
  for (const line of output.split(/\r?\n/)) {
    const at = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (at !== null) {
      located.push(`${displayPath(resolve(cwd, at[1]!))}:${at[2]}:${at[3]}: ${at[5]} (${at[4]})`);
      last = located;
    } else if (/^error TS\d+: /.test(line)) {
      other.push(line);
      last = other;
    } else if (/^\s+\S/.test(line) && last !== undefined && last.length > 0) {
      last[last.length - 1] += `\n    ${line.trim()}`;
    }
  }
  return { located, other };
}

function runTsc(tsc: string, config: string, cwd: string): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [tsc, '-p', config, '--pretty', 'false'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      fail(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, output, timedOut });
    });
  });
}

function findTsc(): string | undefined {
  const pkg = packageDir('typescript');
  const tsc = pkg === undefined ? undefined : join(pkg, 'bin', 'tsc');
  return tsc !== undefined && existsSync(tsc) ? tsc : undefined;
}

export function createTypeChecker(log: Pick<Logger, 'debug' | 'warn'>): TypeChecker {
  const tsc = findTsc();
  let warnedMissing = false;
  let configDir: Promise<string> | undefined;

  async function check(id: string, dir: string, entryPath: string): Promise<string[] | undefined> {
    if (tsc === undefined) {
      if (!warnedMissing) log.warn('plugins are not type-checked in --dev: TypeScript is not installed (it is a devDependency; run npm install without --omit=dev)');
      warnedMissing = true;
      return undefined;
    }
    const started = performance.now();
    try {
      configDir ??= mkdtemp(join(tmpdir(), 'infrarust-typecheck-'));
      const config = join(await configDir, `${id}.json`);
      await writeFile(config, JSON.stringify(tsconfigFor(entryPath), null, 2));
      const { code, output, timedOut } = await runTsc(tsc, config, dir);
      const ms = Math.round(performance.now() - started);
      if (timedOut) throw new Error(`tsc did not finish within ${TIMEOUT_MS / 1000} s`);
      const { located, other } = parseTscOutput(output, dir);
      if (code !== 0 && located.length === 0) throw new Error(`tsc exited with ${code}: ${(other.join('\n') || output).trim().slice(0, 2000)}`);
      log.debug({ plugin: id, typeCheckMs: ms, errors: located.length }, 'plugin type-checked');
      if (located.length <= SHOWN) return located;
      return [...located.slice(0, SHOWN), `… and ${located.length - SHOWN} more`];
    } catch (err) {
      log.warn({ plugin: id, err }, `plugin ${id} could not be type-checked; loading it unchecked`);
      return undefined;
    }
  }

  return {
    check,
    async close() {
      const dir = await configDir?.catch(() => undefined);
      configDir = undefined;
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    },
  };
}
