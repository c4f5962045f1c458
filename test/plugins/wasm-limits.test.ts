// Limits of a WASM guest (issue 14). A guest that loops forever in an event is cut at its deadline
// while real clients join and ping meanwhile with normal latency (the main thread never waits on a
// guest). Calls to one guest queue on the main thread and each deadline counts from when the guest
// starts the call, so a burst behind a slow call is not cut for the time it waited; past
// queue_capacity a call fails at once (CallQueue unit tests).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startBackend } from '../helpers/backend.ts';
import { join as joinServer, ping, plainText } from '../helpers/client.ts';
import { CallQueue } from '../../kernel/plugin-system/wasm/call-queue.ts';
import { NO_WASM_TOOLCHAIN } from './wasm-skip.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/wasm-hostile', import.meta.url));
const VERSION = '1.20.4';
const ALIVE = 'MOTD from wasm-hostile';
const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

async function hostile(settings: string): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-limits-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  await cp(FIXTURE, join(root, 'wasm-hostile'), { recursive: true });
  const backend = await startBackend({ version: VERSION, motd: 'backend motd' });
  cleanup.push(() => backend.close());
  const harness = await startProxy({
    builtins: [],
    captureLogs: 'info',
    global: `plugins_dir = ${JSON.stringify(root)}\n[plugins.wasm-hostile]\n${settings}`,
    servers: { lobby: serverToml(['ok.example', 'busy.example'], [backend.port]) },
  });
  cleanup.push(() => harness.stop());
  return harness;
}

async function pingMs(port: number): Promise<number> {
  const started = performance.now();
  await ping(port, 'ok.example', VERSION);
  return performance.now() - started;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test('a guest looping forever in an event is cut at its deadline while real clients join and ping with normal latency', { skip: NO_WASM_TOOLCHAIN }, async (t) => {
  const DEADLINE = 1_500;
  const harness = await hostile(`subscribe = ["ServerConnected"]\nrules = { Looper = "spin" }\nwasm = { max_call_duration = "${DEADLINE}ms" }\n`);
  const before: number[] = [];
  for (let i = 0; i < 8; i++) before.push(await pingMs(harness.port));

  // ServerConnected is an observer event: the login completes while the guest spins.
  const loopStarted = performance.now();
  await joinServer({ port: harness.port, domain: 'ok.example', version: VERSION, username: 'Looper' });
  const during: number[] = [];
  const joined = joinServer({ port: harness.port, domain: 'ok.example', version: VERSION, username: 'Other' });
  while (performance.now() - loopStarted < DEADLINE - 300) during.push(await pingMs(harness.port));
  await joined;
  const cutIn = performance.now() - loopStarted;
  assert.ok(during.length >= 3, `pinged ${during.length} times during the loop`);
  const b = median(before);
  const d = median(during);
  t.diagnostic(`ping p50 ${b.toFixed(1)} ms before, ${d.toFixed(1)} ms during the loop (${during.length} pings)`);
  // Generous: this is not a timing benchmark, only "not stuck behind the guest".
  assert.ok(d < Math.max(5 * b, b + 100), `ping p50 ${d.toFixed(1)} ms during the loop vs ${b.toFixed(1)} ms before`);

  const deadline = () => harness.logs.find((l) => l.code === 'IR_ERR_WASM_DEADLINE' && l.plugin === 'wasm-hostile');
  for (let i = 0; i < 100 && deadline() === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(deadline() !== undefined, `the loop was cut and logged (${Math.round(cutIn)} ms in)`);
  assert.equal(harness.host!.list().find((p) => p.id === 'wasm-hostile')?.state, 'loaded', 're-instantiated, not quarantined');
});

test('a burst of calls queued behind slow ones is not cut for the time it waited', { skip: NO_WASM_TOOLCHAIN }, async (t) => {
  const DEADLINE = 1_000;
  const harness = await hostile(`rules = { "busy.example" = "busy" }\nbusy_iterations = 1200000\nwasm = { max_call_duration = "${DEADLINE}ms" }\n`);
  const one = performance.now();
  assert.equal(plainText((await ping(harness.port, 'busy.example', VERSION)).description), ALIVE);
  const single = performance.now() - one;
  const n = Math.min(16, Math.max(8, Math.ceil((2.5 * DEADLINE) / Math.max(single, 1))));
  const started = performance.now();
  const texts = await Promise.all(Array.from({ length: n }, () => ping(harness.port, 'busy.example', VERSION).then((r) => plainText(r.description))));
  const total = performance.now() - started;
  t.diagnostic(`one busy call ${single.toFixed(0)} ms; ${n} at once took ${total.toFixed(0)} ms with a ${DEADLINE} ms deadline`);
  assert.deepEqual(texts.filter((x) => x !== ALIVE), [], 'every queued call was answered by the guest');
  assert.ok(!harness.logs.some((l) => l.code === 'IR_ERR_WASM_DEADLINE'), 'no call counted its wait in the queue');
  if (total < DEADLINE) t.diagnostic('inconclusive: the burst finished within one deadline');
});

test('CallQueue: calls start one at a time, in order; past capacity a call fails at once', async () => {
  const q = new CallQueue(2, 'plugin q');
  const order: string[] = [];
  const gates: (() => void)[] = [];
  const slow = (name: string) => () => new Promise<string>((resolve) => (order.push(`start ${name}`), gates.push(() => resolve(name))));
  const a = q.push('a', slow('a'));
  const b = q.push('b', slow('b'));
  const c = q.push('c', slow('c'));
  await assert.rejects(q.push('d', slow('d')), (err: Error & { code?: string }) => err.code === 'IR_ERR_WASM_QUEUE_FULL' && /plugin q: d refused: 2 calls/.test(err.message));
  assert.deepEqual(order, ['start a'], 'b and c wait; their deadlines have not started');
  gates.shift()!();
  assert.equal(await a, 'a');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, ['start a', 'start b']);
  q.clear(() => new Error('stopped'));
  await assert.rejects(c, /stopped/);
  gates.shift()!();
  assert.equal(await b, 'b');
});
