/**
 * The WASM loader: a plugin folder whose plugin.json has `"main": "<id>.wasm"` (what
 * `infrarust plugin build` writes). Before any guest code runs: the component is transpiled by
 * jco once per content hash (cached under `<plugins_dir>/.cache/wasm/`), and its imports are
 * checked against the plugin's grants (`[plugins.<id>] permissions` / `deny`): a `wasi:*` import
 * or an ungranted interface refuses it, naming the interface and the permission to grant.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginEntry } from '../../config/index.ts';
import type { Logger } from '../../log/logger.ts';
import { InfrarustError } from '../../errors.ts';
import { cachedComponent } from '../wasm/component-cache.ts';
import { checkImports } from '../wasm/capabilities.ts';
import { guestPluginDefinition } from '../wasm/guest-plugin.ts';
import { guestLimits, type PluginWasmKeys } from '../wasm/limits.ts';
import { closeSpareWorker } from '../wasm/spare-worker.ts';
import { checkWitVersion } from '../wasm/wit-version.ts';
import type { LoaderHost, PluginLoader } from './plugin-loader.ts';

export const WASM_ENTRY = /\.wasm$/;
/** Default deadline of one event or command call into a guest. */
export const DEFAULT_CALL_DEADLINE_MS = 50;
/** Instantiation, metadata, on-enable, on-disable. */
const LIFECYCLE_DEADLINE_MS = 5_000;
/** Keys of `[plugins.<id>]` the host reads; the rest is the plugin's own config. */
const HOST_KEYS = new Set(['enabled', 'permissions', 'deny', 'strict_capabilities', 'path', 'wasm']);

export interface WasmPluginLoaderOptions {
  /** `<plugins_dir>/.cache/wasm` by default. */
  cacheDir: string;
  log: Logger;
  pluginConfig: (id: string) => PluginEntry | undefined;
  /**
   * The proxy-wide `[wasm]` table: its memory, queue, host-call and recovery limits apply to
   * every guest unless `[plugins.<id>.wasm]` sets its own. (`max_call_duration` is per plugin
   * only: v2's proxy-wide default of 60 s is not a per-event deadline; ours is 50 ms.)
   */
  globalWasm?: () => PluginWasmKeys | undefined;
}

/** The guest's limit keys: `[plugins.<id>.wasm]` over `[wasm]`. */
function limitKeys(global: PluginWasmKeys | undefined, own: PluginWasmKeys | undefined): PluginWasmKeys {
  const defined = <T extends object>(o: T | undefined): Partial<T> => Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    memory_limit_mb: own?.memory_limit_mb ?? global?.memory_limit_mb,
    queue_capacity: own?.queue_capacity ?? global?.queue_capacity,
    host_calls_per_call: own?.host_calls_per_call ?? global?.host_calls_per_call,
    recovery: { ...defined(global?.recovery), ...defined(own?.recovery) },
  };
}

export function wasmPluginLoader(options: WasmPluginLoaderOptions): PluginLoader {
  let host: LoaderHost | undefined;
  return {
    bindHost: (h) => void (host = h),
    kind: 'wasm',
    accepts: (c) => WASM_ENTRY.test(c.manifest.main ?? ''),
    async load(c) {
      const id = c.manifest.id;
      const file = join(c.dir, c.manifest.main!);
      const bytes = await readFile(file).catch((cause: unknown) => {
        throw new InfrarustError('IR_ERR_WASM_INVALID', `plugin ${id}: cannot read ${file} (${(cause as Error).message})`, { cause });
      });
      checkWitVersion(id, bytes);
      const started = performance.now();
      const component = await cachedComponent(bytes, options.cacheDir, `plugin ${id} (${file})`);
      const entry = options.pluginConfig(id);
      checkImports(id, component.imports, { permissions: entry?.permissions ?? [], deny: entry?.deny ?? [] });
      options.log.debug({ plugin: id, hash: component.hash.slice(0, 12), transpiled: component.transpiled, ms: Math.round(performance.now() - started) }, 'wasm component ready');
      const config = Object.fromEntries(Object.entries(entry ?? {}).filter(([k]) => !HOST_KEYS.has(k)));
      const deadline = entry?.wasm?.max_call_duration;
      return {
        definition: guestPluginDefinition({
          dir: component.dir,
          manifest: c.manifest,
          config,
          callDeadlineMs: deadline ?? DEFAULT_CALL_DEADLINE_MS,
          lifecycleDeadlineMs: LIFECYCLE_DEADLINE_MS,
          limits: guestLimits(limitKeys(options.globalWasm?.(), entry?.wasm)),
          quarantine: async (ctx, reason, err) => (await host?.quarantine(ctx, reason, err)) ?? false,
        }),
      };
    },
    dispose: async () => undefined,
    idle: async () => undefined,
    close: closeSpareWorker,
  };
}
