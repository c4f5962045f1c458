/**
 * `infrarust plugin build [DIR]`: a TypeScript guest folder (plugin.json + index.ts) becomes
 * `<id>.wasm` beside its plugin.json. esbuild bundles index.ts to one ES module (the
 * `infrarust:plugin/*` imports stay imports), then componentize (QuickJS by default, ~1 s;
 * `--backend spidermonkey` opt-in) makes a pure component against the world of the manifest's
 * capabilities. `build.json` records the hash of what went in (bundle, world, WIT, backend) and
 * of the component, so a test can check a committed .wasm still matches its source without
 * rebuilding it.
 */
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { PluginManifest } from '../../sdk/plugin.ts';
import { InfrarustError } from '../errors.ts';
import { MANIFEST_FILE, readManifest } from '../plugin-system/host/manifest.ts';
import { OPT_IN, WIT_VERSION } from '../plugin-system/wasm/capabilities.ts';
import { writeGuestTypes } from './plugin-commands.ts';
import { componentize, optInCapabilities, WIT_DIR, type Backend } from './wasm-toolchain.ts';

export const GUEST_ENTRY = 'index.ts';
export const BUILD_INFO = 'build.json';

export interface BuildInfo {
  wit: string;
  backend: Backend;
  /** sha256 of the bundle, the world's opt-ins, the WIT files and the backend. */
  sourceHash: string;
  /** sha256 of the component written. */
  wasmSha256: string;
}

export interface BuildResult {
  file: string;
  bytes: number;
  ms: number;
  info: BuildInfo;
  /** `types/` was regenerated because plugin.json's capabilities changed. */
  typesUpdated: boolean;
}

/** Bundles the guest and hashes its inputs (what `build.json` pins); no componentize. */
export async function guestSource(dir: string, manifest: PluginManifest, backend: Backend): Promise<{ js: string; sourceHash: string; optIns: string[] }> {
  const optIns = optInCapabilities(manifest.capabilities);
  let js: string;
  try {
    const out = await esbuild.build({
      entryPoints: [join(dir, GUEST_ENTRY)],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      external: ['infrarust:plugin/*'],
      define: { INFRARUST_PLUGIN_ID: JSON.stringify(manifest.id), INFRARUST_PLUGIN_VERSION: JSON.stringify(manifest.version) },
    });
    js = out.outputFiles[0]!.text;
  } catch (cause) {
    const errors = (cause as esbuild.BuildFailure).errors?.map((e) => `${e.location?.file ?? ''}:${e.location?.line ?? ''}: ${e.text}`) ?? [(cause as Error).message];
    throw new InfrarustError('IR_ERR_WASM_BUILD', `plugin ${manifest.id}: the guest failed to bundle:\n  ${errors.join('\n  ')}`, { cause });
  }
  const hash = createHash('sha256').update(js).update(`\0${optIns.join(',')}\0${backend}\0`);
  for (const name of (await readdir(WIT_DIR)).sort()) hash.update(name).update(await readFile(join(WIT_DIR, name)));
  return { js, sourceHash: hash.digest('hex'), optIns };
}

export async function buildWasmPlugin(dirArg: string, backend: Backend = 'quickjs'): Promise<BuildResult> {
  const dir = resolve(dirArg);
  const manifest = await readManifest(dir);
  const main = `${manifest.id}.wasm`;
  if (manifest.main !== main) {
    throw new InfrarustError('IR_ERR_WASM_BUILD', `${join(dir, MANIFEST_FILE)}: a WASM plugin's "main" must be "${main}" (the component this command writes)`);
  }
  const started = performance.now();
  const { js, sourceHash, optIns } = await guestSource(dir, manifest, backend);
  const component = await componentize(js, optIns, backend);
  const file = join(dir, main);
  await writeFile(file, component);
  const info: BuildInfo = { wit: `infrarust:plugin@${WIT_VERSION}`, backend, sourceHash, wasmSha256: createHash('sha256').update(component).digest('hex') };
  await writeFile(join(dir, BUILD_INFO), `${JSON.stringify(info, null, 2)}\n`);
  const typesUpdated = await refreshGuestTypes(dir, optIns);
  return { file, bytes: component.length, ms: performance.now() - started, info, typesUpdated };
}

/**
 * A folder made by `plugin new --wasm` has `types/` for the capabilities it had then: when
 * plugin.json's opt-ins changed since, regenerate it (so the new imports type-check). A folder
 * without `types/plugin.d.ts` is left alone.
 */
async function refreshGuestTypes(dir: string, optIns: readonly string[]): Promise<boolean> {
  const world = await readFile(join(dir, 'types', 'plugin.d.ts'), 'utf8').catch(() => undefined);
  if (world === undefined) return false;
  const have = OPT_IN.filter((c) => world.includes(`'infrarust:plugin/${c}@`));
  if (have.length === optIns.length && have.every((c) => optIns.includes(c))) return false;
  await writeGuestTypes(dir, optIns);
  return true;
}
