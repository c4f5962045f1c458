// Faults of a WASM guest (issue 14): a guest that traps is re-instantiated, then quarantined after
// repeated traps (disabled, logged with its id, `quarantined` with the reason in `plugin list`)
// until it is reloaded; a guest that allocates without bound hits its memory maximum and is
// restarted; a host-call flood fails the call as a fault. Small windows and backoffs via config.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startBackend } from '../helpers/backend.ts';
import { join as joinServer, KickError, ping, plainText } from '../helpers/client.ts';
import { NO_WASM_TOOLCHAIN } from './wasm-skip.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/wasm-hostile', import.meta.url));
const VERSION = '1.20.4';
const ALIVE = 'MOTD from wasm-hostile';
const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

async function hostile(rules: Record<string, string>, extra = ''): Promise<{ harness: Harness; dir: string }> {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-faults-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'wasm-hostile');
  await cp(FIXTURE, dir, { recursive: true });
  const backend = await startBackend({ version: VERSION, motd: 'backend motd' });
  cleanup.push(() => backend.close());
  const table = Object.entries(rules).map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`).join(', ');
  const harness = await startProxy({
    builtins: [],
    captureLogs: 'info',
    global: `plugins_dir = ${JSON.stringify(root)}\n[plugins.wasm-hostile]\nrules = { ${table} }\n${extra}`,
    servers: { lobby: serverToml(['ok.example', ...Object.keys(rules)], [backend.port]) },
  });
  cleanup.push(() => harness.stop());
  return { harness, dir };
}

const motd = async (harness: Harness, domain: string) => plainText((await ping(harness.port, domain, VERSION)).description);

async function until(what: string, fn: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const state = (h: Harness) => h.host!.list().find((p) => p.id === 'wasm-hostile');

test('a trapping guest is re-instantiated, then quarantined after repeated traps until reloaded', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const recovery = `[plugins.wasm-hostile.wasm.recovery]\nmax_restarts = 3\nwindow = "60s"\nbackoff_initial = "20ms"\nbackoff_max = "100ms"\n`;
  const { harness, dir } = await hostile({ 'trap.example': 'throw' }, recovery);
  assert.equal(await motd(harness, 'ok.example'), ALIVE);
  // One trap: the ping is answered without the guest (ProxyPing fails open), the guest comes back.
  assert.equal(await motd(harness, 'trap.example'), 'backend motd');
  await until('re-instantiated', async () => (await motd(harness, 'ok.example')) === ALIVE);
  assert.equal(state(harness)?.state, 'loaded');
  // More traps than max_restarts in the window: quarantined.
  await until('quarantined', async () => {
    await motd(harness, 'trap.example');
    return state(harness)?.state === 'quarantined';
  });
  const info = state(harness)!;
  assert.match(info.error ?? '', /quarantined after 4 faults/);
  assert.match(info.error ?? "", /unreachable|hostile throw/, "names the last fault");
  assert.ok(harness.logs.some((l) => l.code === 'IR_ERR_WASM_QUARANTINED' && l.plugin === 'wasm-hostile'), 'logged with its id and code');
  assert.ok(harness.logs.some((l) => /backoffMs/.test(JSON.stringify(l)) && (l.backoffMs as number) > 0), 'restarts backed off');
  // Disabled: its listeners are gone, the proxy answers without it.
  assert.equal(await motd(harness, 'ok.example'), 'backend motd');
  // A reload brings it back.
  assert.equal(await harness.host!.reloadDir(dir), true);
  assert.equal(state(harness)?.state, 'loaded');
  assert.equal(await motd(harness, 'ok.example'), ALIVE);
});

test('a guest that allocates without bound hits its memory maximum and is restarted', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const { harness } = await hostile({ 'alloc.example': 'alloc' }, `[plugins.wasm-hostile.wasm]\nmemory_limit_mb = 24\nmax_call_duration = "5s"\n`);
  assert.equal(await motd(harness, 'ok.example'), ALIVE);
  const started = performance.now();
  assert.equal(await motd(harness, 'alloc.example'), 'backend motd');
  const ms = performance.now() - started;
  assert.ok(ms < 5_000, `stopped by the memory cap (${Math.round(ms)} ms), not the 5 s deadline`);
  await until('restarted', async () => (await motd(harness, 'ok.example')) === ALIVE);
  const fault = harness.logs.find((l) => /guest fault/.test(l.msg) && l.plugin === 'wasm-hostile');
  assert.ok(fault !== undefined, 'the fault is logged');
  assert.equal(fault.code, 'IR_ERR_WASM_MEMORY', JSON.stringify(fault).slice(0, 400));
  assert.equal(state(harness)?.state, 'loaded');
});

test('a guest calling host imports in a tight loop fails that call as a fault and is restarted', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const { harness } = await hostile({ 'flood.example': 'flood' }, `[plugins.wasm-hostile.wasm]\nhost_calls_per_call = 200\nmax_call_duration = "5s"\n`);
  const started = performance.now();
  assert.equal(await motd(harness, 'flood.example'), 'backend motd');
  assert.ok(performance.now() - started < 5_000, 'cut by the budget, not the deadline');
  await until('restarted', async () => (await motd(harness, 'ok.example')) === ALIVE);
  assert.ok(harness.logs.some((l) => l.code === 'IR_ERR_WASM_BUDGET' && l.plugin === 'wasm-hostile'), 'logged as a budget fault');
});

test('while a faulty guest backs off, its access gates deny (fail closed) and pings go on without it', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const { harness } = await hostile({ 'trap.example': 'throw' }, `[plugins.wasm-hostile.wasm.recovery]\nbackoff_initial = "3s"\n`);
  assert.equal(await motd(harness, 'trap.example'), 'backend motd'); // fault 1: re-instantiated at once
  await until('re-instantiated', async () => (await motd(harness, 'ok.example')) === ALIVE);
  assert.equal(await motd(harness, 'trap.example'), 'backend motd'); // fault 2: backs off 3 s
  assert.ok(harness.logs.some((l) => l.plugin === 'wasm-hostile' && l.backoffMs === 3000));
  await assert.rejects(joinServer({ port: harness.port, domain: 'ok.example', version: VERSION, username: 'Gated' }), (err: unknown) => err instanceof KickError, 'PreLogin denied while the guest is down');
  assert.equal(await motd(harness, 'ok.example'), 'backend motd');
  await until('back after the backoff', async () => (await motd(harness, 'ok.example')) === ALIVE, 10_000);
  await joinServer({ port: harness.port, domain: 'ok.example', version: VERSION, username: 'Gated' });
});
