// Faults in plugin code outside the wrapped hooks, in the real daemon (bin/infrarust.mjs as a child
// process) with a real backend and real minecraft-protocol clients: a throw in a plugin's own timer
// and a rejection nobody handles are pinned on the plugin, which is unloaded (a critical one stays
// loaded, its gate still refusing), and players keep joining; a synchronous endless loop in a
// listener is caught by the watchdog thread, which names the plugin and hook and ends the process
// within [events] stall_timeout, and a signal during the stall ends it at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, KickError } from '../helpers/client.ts';
import { freePort, runCli, type Running } from '../helpers/cli-process.ts';

const VERSION = '1.21.4';
const FIXTURES = fileURLToPath(new URL('./fixtures/faulty-plugins/', import.meta.url));
let backend: Backend;

before(async () => {
  backend = await startBackend({ version: VERSION });
});

after(async () => {
  await backend?.close();
});

interface Daemon {
  run: Running;
  port: number;
  dir: string;
}

/** The daemon with only `plugins` (fixtures) besides the builtins, and one server, lobby.test. */
async function daemon(plugins: string[], extraToml = ''): Promise<Daemon> {
  const dir = await mkdtemp(joinPath(tmpdir(), 'infrarust-faults-'));
  for (const id of plugins) await cp(joinPath(FIXTURES, id), joinPath(dir, 'plugins', id), { recursive: true });
  await mkdir(joinPath(dir, 'servers'));
  await writeFile(joinPath(dir, 'servers', 'lobby.toml'), `domains = ["lobby.test"]\naddresses = ["127.0.0.1:${backend.port}"]\n`);
  const port = await freePort();
  await writeFile(joinPath(dir, 'infrarust.toml'), `bind = "127.0.0.1:${port}"\n${extraToml}`);
  const run = runCli([], dir);
  await run.waitFor(/listening on/);
  return { run, port, dir };
}

async function stop(d: Daemon): Promise<void> {
  d.run.killGroup('SIGKILL');
  await d.run.exited;
  await rm(d.dir, { recursive: true, force: true });
}

async function joins(port: number, username: string): Promise<void> {
  await join({ port, domain: 'lobby.test', version: VERSION, username, timeoutMs: 8_000 });
}

async function refused(port: number, username: string): Promise<string> {
  const err = await join({ port, domain: 'lobby.test', version: VERSION, username, timeoutMs: 8_000 }).then(
    () => assert.fail(`${username} should have been refused`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof KickError, String(err));
  return err.reason;
}

/** The JSON log lines the daemon wrote (its stdout is not a terminal). */
function logLines(run: Running): Record<string, unknown>[] {
  return run.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('a throw in a timer a plugin scheduled from setup disables that plugin; the proxy keeps serving', { timeout: 20_000 }, async () => {
  const d = await daemon(['timer-bomb'], '[plugins.timer-bomb]\nafter_ms = 1000\n');
  try {
    assert.match(await refused(d.port, 'gated'), /timer-bomb says no/, 'the gate works before the fault');
    await d.run.waitFor(/plugin timer-bomb faulted outside its hooks/);
    const line = logLines(d.run).find((l) => l.code === 'IR_ERR_PLUGIN_FAULT')!;
    assert.equal(line.plugin, 'timer-bomb');
    assert.equal(line.hook, 'setup');
    assert.equal(line.kind, 'uncaught exception');
    assert.match(String(line.msg), /boom from a timer; the plugin is disabled \(unloaded\) and the proxy keeps serving/);
    await joins(d.port, 'alice');
    await joins(d.port, 'gated'); // its listener went with it
    assert.equal(d.run.child.exitCode, null, 'still running');
    assert.deepEqual(backend.joined.filter((n) => n === 'alice' || n === 'gated'), ['alice', 'gated']);
  } finally {
    backend.joined.length = 0;
    await stop(d);
  }
});

test('a rejection nobody handles, from work a listener started, disables that plugin', { timeout: 20_000 }, async () => {
  const d = await daemon(['async-bomb']);
  try {
    await joins(d.port, 'bob'); // ServerConnected starts the work that rejects
    await d.run.waitFor(/plugin async-bomb faulted outside its hooks/);
    const line = logLines(d.run).find((l) => l.code === 'IR_ERR_PLUGIN_FAULT')!;
    assert.equal(line.plugin, 'async-bomb');
    assert.equal(line.hook, 'event:ServerConnected');
    assert.equal(line.kind, 'unhandled rejection');
    assert.match(String(line.msg), /cannot save the visit of bob/);
    await joins(d.port, 'carol');
    await joins(d.port, 'gated');
    assert.equal(d.run.child.exitCode, null, 'still running');
  } finally {
    backend.joined.length = 0;
    await stop(d);
  }
});

test('a critical plugin that faults stays loaded: its gate keeps refusing, others still join', { timeout: 20_000 }, async () => {
  const d = await daemon(['critical-bomb'], '[plugins.critical-bomb]\nafter_ms = 500\n');
  try {
    await d.run.waitFor(/plugin critical-bomb faulted outside its hooks/);
    assert.match(d.run.output(), /critical plugin \(a security gate\), so it stays loaded/);
    assert.match(await refused(d.port, 'gated'), /critical-bomb says no/);
    await joins(d.port, 'dave');
    // The interval that threw was cleared: no second fault in the next periods.
    await new Promise((r) => setTimeout(r, 1_200));
    assert.equal(logLines(d.run).filter((l) => l.code === 'IR_ERR_PLUGIN_FAULT').length, 1);
  } finally {
    backend.joined.length = 0;
    await stop(d);
  }
});

test('an endless loop in a listener: the watchdog names the plugin and hook and ends the process within stall_timeout', { timeout: 20_000 }, async () => {
  const d = await daemon(['looper'], '[events]\nstall_timeout = "3s"\n');
  try {
    await joins(d.port, 'erin');
    const stuck = join({ port: d.port, domain: 'lobby.test', version: VERSION, username: 'looper', timeoutMs: 10_000 }).catch(() => undefined);
    const started = Date.now();
    await d.run.waitFor(/the event loop has been blocked for/, 5_000);
    const { signal } = await d.run.exited;
    const elapsed = Date.now() - started;
    assert.equal(signal, 'SIGKILL');
    assert.ok(elapsed < 4_500, `ended ${elapsed} ms after the stall was reported (stall_timeout 3 s)`);
    const out = d.run.output();
    assert.match(out, /blocked for 1\.\d s in code of plugin looper \(run from its event:PreLogin\), at spinForever .*looper[/\\]index\.ts:\d+/);
    assert.match(out, /infrarust: the event loop has been blocked for 3\.\d s \(limit: \[events\] stall_timeout = 3\.0 s\) in code of plugin looper .*killing the process \(SIGKILL\) so that a supervisor restarts it \[IR_ERR_PROCESS_STALLED\]/);
    await stuck;
  } finally {
    await stop(d);
  }
});

test('during a stall a signal ends the process at once', { timeout: 20_000 }, async () => {
  const d = await daemon(['looper'], '[events]\nstall_timeout = "15s"\n');
  try {
    const stuck = join({ port: d.port, domain: 'lobby.test', version: VERSION, username: 'looper', timeoutMs: 10_000 }).catch(() => undefined);
    await d.run.waitFor(/a SIGINT\/SIGTERM now ends the process at once/, 5_000);
    const sent = Date.now();
    d.run.child.kill('SIGTERM');
    const { signal } = await d.run.exited;
    assert.equal(signal, 'SIGTERM');
    assert.ok(Date.now() - sent < 1_000, 'exited at once');
    await stuck;
  } finally {
    await stop(d);
  }
});
