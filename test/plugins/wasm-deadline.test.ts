// A guest that never returns from an event is cut at its 50 ms deadline: its worker is
// terminated and the guest re-instantiated (a fault counted); the access event it was deciding
// fails closed (the real client is refused), and the proxy keeps answering pings meanwhile.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProxy, serverToml } from '../helpers/proxy-harness.ts';
import { startBackend } from '../helpers/backend.ts';
import { join as joinServer, KickError, ping, plainText } from '../helpers/client.ts';
import { NO_WASM_TOOLCHAIN } from './wasm-skip.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/wasm-hello', import.meta.url));
const VERSION = '1.20.4';
const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

test('an event call that loops forever is cut at the deadline; access fails closed; the guest comes back', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-deadline-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  await cp(FIXTURE, join(root, 'wasm-hello'), { recursive: true });
  const backend = await startBackend({ version: VERSION });
  cleanup.push(() => backend.close());
  const harness = await startProxy({
    builtins: [],
    captureLogs: 'info',
    global: `plugins_dir = ${JSON.stringify(root)}\n[plugins.wasm-hello]\nspin_on = "PreLogin"\n`,
    servers: { lobby: serverToml(['wasm.example'], [backend.port]) },
  });
  cleanup.push(() => harness.stop());

  const started = performance.now();
  const joining = joinServer({ port: harness.port, domain: 'wasm.example', version: VERSION, username: 'Looper' });
  const pinged = ping(harness.port, 'wasm.example', VERSION).then((r) => ({ r, ms: performance.now() - started }));
  await assert.rejects(joining, (err: unknown) => err instanceof KickError);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 3_000, `refused in ${Math.round(elapsed)} ms`);
  const { r } = await pinged;
  assert.match(plainText(r.description), /MOTD from wasm-hello|backend/);

  // Re-instantiated: its ProxyPing listener answers again.
  let text = '';
  for (let i = 0; i < 40 && text !== 'MOTD from wasm-hello'; i++) {
    text = plainText((await ping(harness.port, 'wasm.example', VERSION)).description);
    if (text !== 'MOTD from wasm-hello') await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(text, 'MOTD from wasm-hello');
  assert.ok(harness.logs.some((l) => l.code === 'IR_ERR_WASM_DEADLINE' && l.plugin === 'wasm-hello'), 'the fault is logged with its code');
  assert.equal(harness.host!.list().find((p) => p.id === 'wasm-hello')?.state, 'loaded');
});

test('a guest that throws (a trap: the instance is poisoned) is re-instantiated; observer-style events fail open', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-trap-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  await cp(FIXTURE, join(root, 'wasm-hello'), { recursive: true });
  const backend = await startBackend({ version: VERSION, motd: 'backend motd' });
  cleanup.push(() => backend.close());
  const harness = await startProxy({
    builtins: [],
    captureLogs: 'info',
    global: `plugins_dir = ${JSON.stringify(root)}\n[plugins.wasm-hello]\nthrow_domain = "trap.example"\n`,
    servers: { lobby: serverToml(['wasm.example', 'trap.example'], [backend.port]) },
  });
  cleanup.push(() => harness.stop());
  // First ping: the guest throws; ProxyPing is not an access event, so the ping is answered without it.
  const first = plainText((await ping(harness.port, 'trap.example', VERSION)).description);
  assert.equal(first, 'backend motd');
  let text = '';
  for (let i = 0; i < 40 && text !== 'MOTD from wasm-hello'; i++) {
    text = plainText((await ping(harness.port, 'wasm.example', VERSION)).description);
    if (text !== 'MOTD from wasm-hello') await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.equal(text, 'MOTD from wasm-hello', 'the guest was re-instantiated after the trap');
  assert.ok(harness.logs.some((l) => l.code === 'IR_ERR_WASM_GUEST' && l.plugin === 'wasm-hello' && /guest fault/.test(l.msg)));
});
