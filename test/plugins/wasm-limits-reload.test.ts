// Nothing leaks over 200 reloads of a WASM plugin through the host's reload path (issue 14): the
// number of live guest workers stays at one, the compiled-module cache at one entry, and the main
// thread's heap after GC stays flat.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startProxy, serverToml } from '../helpers/proxy-harness.ts';
import { startBackend } from '../helpers/backend.ts';
import { ping, plainText } from '../helpers/client.ts';
import { liveGuestWorkers } from '../../kernel/plugin-system/wasm/guest-worker.ts';
import { coreModuleCacheSize } from '../../kernel/plugin-system/wasm/core-modules.ts';
import { NO_WASM_TOOLCHAIN } from './wasm-skip.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/wasm-hello', import.meta.url));
const VERSION = '1.20.4';
const RELOADS = 200;
const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** OS threads of this process (a worker is several: its isolate's and libuv's). */
const threads = () => Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);

async function settledWorkers(expected: number): Promise<number> {
  for (let i = 0; i < 100 && liveGuestWorkers() !== expected; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  return liveGuestWorkers();
}

test(`${RELOADS} reloads of a WASM plugin leak no worker, no compiled module and no heap`, { skip: NO_WASM_TOOLCHAIN, timeout: 120_000 }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-leak-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'wasm-hello');
  await cp(FIXTURE, dir, { recursive: true });
  const backend = await startBackend({ version: VERSION });
  cleanup.push(() => backend.close());
  const harness = await startProxy({ builtins: [], global: `plugins_dir = ${JSON.stringify(root)}\n`, servers: { lobby: serverToml(['wasm.example'], [backend.port]) } });
  cleanup.push(() => harness.stop());
  const base = liveGuestWorkers();

  const reload = async () => assert.equal(await harness.host!.reloadDir(dir), true);
  for (let i = 0; i < 20; i++) await reload(); // warm-up: caches, JIT
  const heap0 = await heapAfterGc();
  const threads0 = threads();
  const started = performance.now();
  for (let i = 0; i < RELOADS; i++) await reload();
  const perReload = (performance.now() - started) / RELOADS;
  const heap1 = await heapAfterGc();
  const workers = await settledWorkers(base);
  const growth = heap1 - heap0;
  const threads1 = threads();
  t.diagnostic(`reload ${perReload.toFixed(1)} ms each; heap after GC ${(heap0 / 1048576).toFixed(1)} → ${(heap1 / 1048576).toFixed(1)} MiB (${(growth / RELOADS / 1024).toFixed(1)} KiB per reload); live workers ${workers}; OS threads ${threads0} → ${threads1}; rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
  assert.equal(workers, base, 'one live worker: every replaced version ended its worker');
  assert.ok(threads1 <= threads0 + 8, `OS threads ${threads0} → ${threads1}`);
  assert.equal(coreModuleCacheSize(), 1, 'the same bytes reuse one compiled entry');
  assert.ok(growth < 8 * 1048576, `heap grew ${(growth / 1048576).toFixed(1)} MiB over ${RELOADS} reloads`);
  assert.equal(plainText((await ping(harness.port, 'wasm.example', VERSION)).description), 'MOTD from wasm-hello');
  assert.equal(harness.host!.layers.registries.commands.entries().filter((e) => e.value.name === 'wasm-echo').length, 1);
});
