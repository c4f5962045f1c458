// Reload rules of WASM plugins (kernel/cli/plugin-watch.ts, what the daemon runs), with the real
// host and real pings:
// - production: replacing a plugin's .wasm reloads it; editing its TypeScript source does not;
// - --dev: editing the guest's source rebuilds it with `plugin build` and hot-reloads it;
// - a bare <id>.wasm directly in plugins_dir is refused with a message saying what to do.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWasmPlugin } from '../../kernel/cli/plugin-build.ts';
import { refuseBareWasm, watchPlugins } from '../../kernel/cli/plugin-watch.ts';
import type { Logger } from '../../kernel/log/logger.ts';
import { watchPluginDirs } from '../../kernel/plugin-system/loader/plugin-watcher.ts';
import { startProxy, serverToml } from '../helpers/proxy-harness.ts';
import { startBackend } from '../helpers/backend.ts';
import { ping, plainText } from '../helpers/client.ts';
import { NO_WASM_TOOLCHAIN } from './wasm-skip.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/wasm-hello', import.meta.url));
const VERSION = '1.20.4';
const cleanup: (() => Promise<unknown> | void)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

function recordingLog(lines: string[]): Logger {
  const rec = (_o: unknown, msg?: string): void => void lines.push(String(msg ?? _o));
  const log = { info: rec, warn: rec, error: rec, debug: () => undefined, trace: () => undefined, child: () => log };
  return log as unknown as Logger;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const withMotd = (source: string, motd: string): string => source.replace("'MOTD from wasm-hello'", JSON.stringify(motd).replace(/"/g, "'"));

test('production reloads a replaced .wasm but not an edited source; --dev rebuilds an edited source and reloads it', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-watch-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  const plugins = join(root, 'plugins');
  const pluginDir = join(plugins, 'wasm-hello');
  await cp(FIXTURE, pluginDir, { recursive: true });
  const source = await readFile(join(pluginDir, 'index.ts'), 'utf8');
  // The next version, built the way an author does, elsewhere.
  const next = join(root, 'next');
  await cp(FIXTURE, next, { recursive: true });
  await writeFile(join(next, 'index.ts'), withMotd(source, 'MOTD v2'));
  const built = buildWasmPlugin(next);

  const backend = await startBackend({ version: VERSION });
  cleanup.push(() => backend.close());
  const harness = await startProxy({ builtins: [], global: `plugins_dir = ${JSON.stringify(plugins)}\n`, servers: { lobby: serverToml(['wasm.example'], [backend.port]) } });
  cleanup.push(() => harness.stop());
  const motd = async (): Promise<string> => plainText((await ping(harness.port, 'wasm.example', VERSION)).description);
  assert.equal(await motd(), 'MOTD from wasm-hello');

  const lines: string[] = [];
  const prod = await watchPlugins({ host: harness.host!, dev: false, dirs: [plugins], log: recordingLog(lines), dataSubdir: 'data', debounceMs: 50 });
  assert.ok(prod !== undefined);
  try {
    // An edited source is not a new component: nothing happens in production.
    await writeFile(join(pluginDir, 'index.ts'), withMotd(source, 'never built'));
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(await motd(), 'MOTD from wasm-hello');
    // The operator replaces the component: it is reloaded.
    const r = await built;
    await cp(r.file, join(pluginDir, 'wasm-hello.wasm'));
    await until('the v2 MOTD', async () => (await motd()) === 'MOTD v2', 20_000);
    assert.ok(lines.some((l) => /wasm-hello: wasm-hello\.wasm changed, reloading/.test(l)), lines.join('\n'));
    const reloads = lines.length;
    // The same bytes again (a touch, a copy of the same build): no second reload.
    await cp(r.file, join(pluginDir, 'wasm-hello.wasm'));
    await new Promise((res) => setTimeout(res, 600));
    assert.equal(lines.length, reloads, lines.join('\n'));
  } finally {
    prod!.close();
  }

  const dev = await watchPlugins({ host: harness.host!, dev: true, dirs: [plugins], log: recordingLog(lines), dataSubdir: 'data', debounceMs: 50 });
  try {
    const started = Date.now();
    await writeFile(join(pluginDir, 'index.ts'), withMotd(source, 'MOTD v3 from dev'));
    await until('the v3 MOTD', async () => (await motd()) === 'MOTD v3 from dev', 60_000);
    assert.ok(lines.some((l) => /wasm-hello: source changed, rebuilt wasm-hello\.wasm/.test(l)), lines.join('\n'));
    console.log(`# --dev: source saved → rebuilt and reloaded in ${Date.now() - started} ms`);
    assert.equal(harness.host!.list().find((p) => p.id === 'wasm-hello')?.state, 'loaded');
    const echo = harness.host!.layers.registries.commands.entries().filter((e) => e.value.name === 'wasm-echo');
    assert.equal(echo.length, 1, 'registered once, by the newest version');
  } finally {
    dev?.close();
  }
});

test('a bare <id>.wasm in plugins_dir is refused with what to do', async () => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-bare-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'stray.wasm'), new Uint8Array([0, 0x61, 0x73, 0x6d]));
  const lines: string[] = [];
  assert.deepEqual(await refuseBareWasm(root, recordingLog(lines)), ['stray.wasm']);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /stray\.wasm is not loaded: a WASM plugin is a folder .*stray\/ holding plugin\.json \("main": "stray\.wasm"\) and stray\.wasm/);
  assert.match(lines[0], /infrarust plugin build/);
});

test('production watches only the plugin folders\' own entries (maxDepth 0): deeper changes are not even watched', async () => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-depth-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  await mkdir(join(root, 'p', 'deep'), { recursive: true });
  const seen: string[] = [];
  const w = watchPluginDirs([root], { recursive: false, maxDepth: 0, debounceMs: 30, onChange: (d) => void seen.push(d), onAdded: () => undefined, onRemoved: () => undefined });
  try {
    await writeFile(join(root, 'p', 'deep', 'x.txt'), 'deep');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(seen, [], 'a file two levels down is not watched');
    await writeFile(join(root, 'p', 'p.wasm'), 'top');
    await until('the plugin folder change', async () => seen.length > 0, 5000);
    assert.deepEqual(seen, [join(root, 'p')]);
  } finally {
    w.close();
  }
});
