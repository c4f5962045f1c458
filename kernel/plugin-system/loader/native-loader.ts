/**
 * Loads native TypeScript plugins so they can be reloaded without leaking (DESIGN.md §4,
 * reference/toolchain.md "Native plugin hot reload").
 *
 * esbuild bundles a plugin folder to one CJS script with an inline source map; the shared
 * libraries (the sdk, zod, pino, mitt, Node builtins) stay external and are handed to the plugin
 * by the `require` this loader passes in, so a plugin sees the very objects the kernel uses. The
 * script is wrapped as `(function (module, exports, require) {…})` and compiled with a fixed
 * name per plugin id (`plugin:<id>/index.js`); nothing is ever `import()`ed, so an old version is
 * garbage once nothing references it.
 *
 * Compilation uses a global (indirect) eval with a `//# sourceURL=plugin:<id>/index.js` comment
 * rather than `vm.runInThisContext`: on Node 20 only eval'd code with a sourceURL (and the CJS/ESM
 * loaders) gets its source map registered, so this is what makes stack traces point at the TS
 * file and line. Node keys that source map by the sourceURL, so one entry per plugin id, replaced
 * on reload. Caveat: after a reload, frames of the previous version (if still running) are mapped
 * with the new version's map.
 *
 * Dev mode keeps one incremental esbuild context per plugin (`rebuild()` takes a few ms) and turns
 * off V8's compilation cache, which otherwise keeps every distinct source text it compiled. A load
 * asked to type-check runs tsc (type-check.ts) beside the build and evaluates nothing on errors.
 */
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { realpathSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { pino, type Logger } from 'pino';
import * as zod from 'zod';
import mitt from 'mitt';
import * as sdk from '../../../sdk/index.ts';
import type { PluginDefinition } from '../../../sdk/plugin.ts';
import { InfrarustError } from '../../errors.ts';
import type { TypeChecker } from './type-check.ts';

export interface LoadedModule {
  definition: PluginDefinition;
  /** Bytes of bundled JavaScript evaluated (the inline source map excluded). */
  sourceBytes: number;
  /** Time spent in esbuild (build or incremental rebuild), in milliseconds. */
  buildMs: number;
}

export interface NativeLoaderOptions {
  /** Keep incremental esbuild contexts and disable V8's compilation cache (for hot reload). */
  dev: boolean;
  log: Pick<Logger, 'debug' | 'warn'>;
  /** Runs the loads that ask for it (`typeCheck`) through the TypeScript checker first. */
  typeChecker?: TypeChecker;
}

export interface LoadOptions {
  /**
   * Type-check the plugin before evaluating it (--dev): type errors reject with
   * IR_ERR_PLUGIN_TYPES (`file:line:col`) and nothing of the new code runs.
   */
  typeCheck?: boolean;
}

export interface NativeLoader {
  /**
   * Bundles `<dir>/<entry>` and evaluates it. Rejects with IR_ERR_PLUGIN_BUILD (esbuild errors,
   * `file:line:col: text`), IR_ERR_PLUGIN_INVALID_MODULE (no default export with `setup`), or the
   * error the module threw while evaluating (stack source-mapped to the TS files), or, with
   * `typeCheck`, IR_ERR_PLUGIN_TYPES. Loads of one id run one after another.
   */
  load(dir: string, id: string, entry: string, options?: LoadOptions): Promise<LoadedModule>;
  /** Frees the esbuild context kept for `id` (dev mode). Harmless when there is none. */
  dispose(id: string): Promise<void>;
  /** Frees every esbuild context (shutdown). */
  close(): Promise<void>;
  /**
   * Stops esbuild's service process when no context is kept (production, after the plugins are
   * loaded): it would otherwise idle beside the proxy (~17 MB RSS and a little CPU). A later
   * load starts it again.
   */
  idle(): Promise<void>;
}

/** The repository's sdk folder: any import resolving inside it becomes the shared sdk module. */
const SDK_DIR = fileURLToPath(new URL('../../../sdk/', import.meta.url)).replace(/[\\/]+$/, '');
const SDK_SPECIFIER = 'infrarust/sdk';
const SHARED_PACKAGES = ['infrarust', 'zod', 'pino', 'mitt'] as const;

/** What `require()` of a CommonJS build of an ESM namespace looks like (esbuild's `__esModule` interop). */
function asCommonJs(namespace: object): object {
  return Object.freeze(Object.defineProperty({ ...namespace }, '__esModule', { value: true }));
}

const kernelRequire = createRequire(import.meta.url);

/**
 * Specifier → the kernel's instance. `infrarust/sdk` is the very namespace object the kernel
 * imports; pino is CommonJS (its module.exports is the `pino` function); zod and mitt are
 * dual packages and the kernel has their ESM builds, so the plugin gets those, CJS-shaped.
 */
const SHARED_MODULES = new Map<string, unknown>([
  [SDK_SPECIFIER, sdk],
  ['infrarust', sdk],
  ['zod', asCommonJs(zod)],
  ['pino', pino],
  ['mitt', mitt],
]);

function isSharedPackage(specifier: string): boolean {
  return SHARED_PACKAGES.some((p) => specifier === p || specifier.startsWith(`${p}/`));
}

function isInside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir + sep);
}

/** Maps relative or absolute imports of the repository's sdk files to the shared sdk. */
const sharedSdkPlugin: esbuild.Plugin = {
  name: 'infrarust-shared-sdk',
  setup(build) {
    build.onResolve({ filter: /^(\.\.?(\/|\\|$)|\/)/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const target = isAbsolute(args.path) ? args.path : resolve(args.resolveDir, args.path);
      return isInside(target, SDK_DIR) ? { path: SDK_SPECIFIER, external: true } : undefined;
    });
  },
};

/** A folder's real path (symlinks resolved), or the path itself when it cannot be resolved. */
function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

type WrappedModule = (module: { exports: unknown }, exports: unknown, require: NodeJS.Require) => void;

/**
 * The `require` a plugin sees: shared modules first, then Node resolution from the plugin folder
 * (its real path, as Node resolves a symlinked module: a plugin folder linked into plugins/ finds
 * the packages next to its real location).
 */
function pluginRequire(dir: string): NodeJS.Require {
  const local = createRequire(join(realDir(dir), 'index.js'));
  const req = ((specifier: string) => {
    if (SHARED_MODULES.has(specifier)) return SHARED_MODULES.get(specifier);
    // Subpaths of shared packages (zod/mini, pino/file…) come from the kernel's copy.
    if (isSharedPackage(specifier)) return kernelRequire(specifier);
    return local(specifier);
  }) as NodeJS.Require;
  return Object.assign(req, { resolve: local.resolve, cache: local.cache, main: undefined, extensions: local.extensions });
}

function displayPath(file: string, baseDir: string): string {
  const abs = resolve(baseDir, file);
  const rel = relative(process.cwd(), abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

function formatMessage(m: esbuild.Message, baseDir: string): string {
  if (m.location === null) return m.text;
  const { file, line, column, lineText } = m.location;
  // Columns are 1-based here (esbuild's are 0-based), like tsc and editors.
  const where = `${displayPath(file, baseDir)}:${line}:${column + 1}`;
  return lineText ? `${where}: ${m.text}\n    ${lineText.trim()}` : `${where}: ${m.text}`;
}

function typesError(id: string, errors: string[]): InfrarustError {
  return new InfrarustError('IR_ERR_PLUGIN_TYPES', `Plugin "${id}" has type errors, so this version was not loaded; fix these and save again:\n  ${errors.join('\n  ')}`);
}

function isBuildFailure(err: unknown): err is esbuild.BuildFailure {
  return err instanceof Error && Array.isArray((err as Partial<esbuild.BuildFailure>).errors);
}

function buildError(id: string, dir: string, err: unknown): InfrarustError {
  const messages = isBuildFailure(err) && err.errors.length > 0
    ? err.errors.map((m) => formatMessage(m, dir))
    : [err instanceof Error ? err.message : String(err)];
  return new InfrarustError('IR_ERR_PLUGIN_BUILD', `Plugin "${id}" failed to build; fix these and save again:\n  ${messages.join('\n  ')}`, { cause: err });
}

function validDefinition(exported: unknown): PluginDefinition | undefined {
  let candidate = exported;
  if ((typeof exported === 'object' || typeof exported === 'function') && exported !== null && 'default' in exported) {
    candidate = (exported as { default: unknown }).default;
  }
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const def = candidate as Partial<Record<keyof PluginDefinition, unknown>>;
  if (typeof def.setup !== 'function') return undefined;
  if (def.teardown !== undefined && typeof def.teardown !== 'function') return undefined;
  if (def.configSchema !== undefined && typeof (def.configSchema as { safeParse?: unknown } | null)?.safeParse !== 'function') return undefined;
  return candidate as PluginDefinition;
}

let sourceMapsEnabled = false;
let compilationCacheDisabled = false;

interface Kept {
  ctx: esbuild.BuildContext;
  key: string;
}

export function createNativeLoader(options: NativeLoaderOptions): NativeLoader {
  const { dev, log, typeChecker } = options;
  if (!sourceMapsEnabled) {
    process.setSourceMapsEnabled(true);
    sourceMapsEnabled = true;
  }
  if (dev && !compilationCacheDisabled) {
    setFlagsFromString('--no-compilation-cache');
    compilationCacheDisabled = true;
  }
  const contexts = new Map<string, Kept>();
  const queues = new Map<string, Promise<unknown>>();

  function buildOptions(dir: string, entryPath: string): esbuild.BuildOptions {
    const realEntry = join(realDir(dirname(entryPath)), basename(entryPath));
    return {
      entryPoints: [entryPath],
      absWorkingDir: dir,
      // Never written (write: false); it only makes source-map paths relative to the folder.
      outfile: join(dir, 'index.js'),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      sourceRoot: `${pathToFileURL(dir).href}/`,
      sourcesContent: false,
      write: false,
      logLevel: 'silent',
      external: [...SHARED_PACKAGES],
      // CJS output has no import.meta; give the plugin its entry's location instead of `{}`.
      define: {
        'import.meta.url': JSON.stringify(pathToFileURL(realEntry).href),
        'import.meta.filename': JSON.stringify(realEntry),
        'import.meta.dirname': JSON.stringify(dirname(realEntry)),
      },
      plugins: [sharedSdkPlugin],
    };
  }

  async function build(dir: string, id: string, entryPath: string): Promise<{ code: string; buildMs: number; warnings: esbuild.Message[] }> {
    const key = `${dir}\0${entryPath}`;
    let kept = contexts.get(id);
    if (kept !== undefined && kept.key !== key) {
      contexts.delete(id);
      await kept.ctx.dispose();
      kept = undefined;
    }
    const start = performance.now();
    let ctx: esbuild.BuildContext;
    try {
      ctx = kept?.ctx ?? (await esbuild.context(buildOptions(dir, entryPath)));
    } catch (err) {
      throw buildError(id, dir, err);
    }
    if (dev && kept === undefined) contexts.set(id, { ctx, key });
    try {
      const result = await ctx.rebuild();
      const output = result.outputFiles?.[0];
      if (output === undefined) throw new Error('esbuild produced no output');
      return { code: output.text, buildMs: performance.now() - start, warnings: result.warnings };
    } catch (err) {
      throw buildError(id, dir, err);
    } finally {
      if (!dev) await ctx.dispose();
    }
  }

  async function loadNow(dirArg: string, id: string, entry: string, options: LoadOptions | undefined): Promise<LoadedModule> {
    const dir = resolve(dirArg);
    const entryPath = resolve(dir, entry);
    // tsc takes ~0.5 s, esbuild a few ms: both run at once; a syntax error is reported by esbuild.
    const checked = options?.typeCheck === true && typeChecker !== undefined && /\.m?ts$/.test(entryPath) ? typeChecker.check(id, dir, entryPath) : undefined;
    const { code, buildMs, warnings } = await build(dir, id, entryPath);
    for (const w of warnings) log.warn({ plugin: id, warning: formatMessage(w, dir) }, 'plugin build warning');
    const typeErrors = await checked;
    if (typeErrors !== undefined && typeErrors.length > 0) throw typesError(id, typeErrors);

    const mapAt = code.lastIndexOf('\n//# sourceMappingURL=');
    const sourceBytes = Buffer.byteLength(mapAt === -1 ? code : code.slice(0, mapAt));
    const filename = `plugin:${encodeURIComponent(id)}/index.js`;
    // Same line numbering as the bundle (the wrapper shares its first line); see the header
    // comment for why this is a global eval and not vm.runInThisContext.
    const wrapped = `(function (module, exports, require) {${code}\n})\n//# sourceURL=${filename}`;
    const globalEval = eval;
    const fn = globalEval(wrapped) as WrappedModule;
    const module = { exports: {} as unknown };
    fn(module, module.exports, pluginRequire(dir));

    const definition = validDefinition(module.exports);
    if (definition === undefined) {
      throw new InfrarustError(
        'IR_ERR_PLUGIN_INVALID_MODULE',
        `Plugin "${id}": ${displayPath(entryPath, dir)} must \`export default definePlugin({ setup(ctx) { … } })\` (the default export has no setup function, or a teardown/configSchema of the wrong kind)`,
      );
    }
    log.debug({ plugin: id, buildMs: Math.round(buildMs * 10) / 10, sourceBytes }, 'plugin module loaded');
    return { definition, sourceBytes, buildMs };
  }

  function serialized<T>(id: string, task: () => Promise<T>): Promise<T> {
    const previous = queues.get(id) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.then(() => undefined, () => undefined);
    queues.set(id, settled);
    void settled.then(() => {
      if (queues.get(id) === settled) queues.delete(id);
    });
    return run;
  }

  function dispose(id: string): Promise<void> {
    return serialized(id, async () => {
      const kept = contexts.get(id);
      contexts.delete(id);
      await kept?.ctx.dispose();
    });
  }

  return {
    load: (dir, id, entry, loadOptions) => serialized(id, () => loadNow(dir, id, entry, loadOptions)),
    dispose,
    async close() {
      await Promise.all([...contexts.keys()].map(dispose));
      await typeChecker?.close();
    },
    async idle() {
      if (contexts.size === 0 && queues.size === 0) await esbuild.stop();
    },
  };
}
