// The rule for faults outside the wrapped hooks, in-process with the real host and loader: the
// fault handler is called from inside the faulting plugin's own timer (as Node's process handlers
// are), so attribution runs on the real async context. An ordinary plugin is unloaded, a critical
// one kept with its gate closed, a fault during setup fails the setup, a stale version is
// ignored; a fault nobody can attribute exits (exception) or is logged (rejection).
// The real process handlers and the watchdog run in test/e2e/plugin-faults.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { bootKernel, type Kernel } from '../../kernel/kernel.ts';
import { faultHandler, type FaultKind } from '../../kernel/cli/fault-handlers.ts';

type Line = { level: number; msg: string; plugin?: string; hook?: string; action?: string; code?: string };
type Report = (kind: FaultKind, err: unknown) => void;
const REPORT = Symbol.for('infrarust.test.reportFault');

async function plugin(root: string, id: string, body: string, manifest: Record<string, unknown> = {}): Promise<void> {
  const dir = join(root, id);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'plugin.json'), JSON.stringify({ id, version: '1.0.0', apiVersion: '^0.1.0', ...manifest }));
  await writeFile(join(dir, 'index.ts'), `import { definePlugin, deny } from 'infrarust/sdk';\nconst report = (kind: string, err: unknown) => (globalThis as any)[Symbol.for('infrarust.test.reportFault')](kind, err);\nexport default definePlugin({ ${body} });\n`);
}

/** A plugin whose PreLogin listener denies "gated", and whose own timer "faults" after `ms`. */
function gateWithTimer(ms: number, kind: FaultKind = 'uncaught exception'): string {
  return `setup(ctx) {
    ctx.events.on('PreLogin', (e) => (e.player.username === 'gated' ? deny('no') : undefined));
    setTimeout(() => report(${JSON.stringify(kind)}, new Error('fault in a timer')), ${ms});
  }`;
}

async function boot(root: string): Promise<{ kernel: Kernel; lines: Line[]; exits: number[] }> {
  const lines: Line[] = [];
  const log: Logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const exits: number[] = [];
  const kernel = await bootKernel({ source: { text: '', file: join(root, 'infrarust.toml') }, overrides: { plugins_dir: join(root, 'plugins') }, log, builtinDir: join(root, 'none') });
  (globalThis as Record<symbol, Report>)[REPORT] = faultHandler({ log, host: () => kernel.host, exit: (code) => void exits.push(code), stderr: () => undefined });
  return { kernel, lines, exits };
}

async function gated(kernel: Kernel): Promise<boolean> {
  const e = await kernel.layers.events.fire('PreLogin', { player: { connectionId: 1, username: 'gated', remoteAddress: '127.0.0.1', protocolVersion: 769 }, serverId: 's' });
  return e.result?.type === 'denied';
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition not reached within 2 s');
};

test('an ordinary plugin is unloaded, a critical one kept with its gate closed, a fault in setup fails it', { timeout: 30_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-contain-'));
  const plugins = join(root, 'plugins');
  await plugin(plugins, 'ordinary', gateWithTimer(100, 'unhandled rejection'));
  await plugin(plugins, 'guard', gateWithTimer(100), { critical: true });
  await plugin(plugins, 'early', `async setup(ctx) {
    ctx.commands.register({ name: 'early', execute() {} });
    setTimeout(() => report('uncaught exception', new Error('fault during setup')), 5);
    await new Promise((r) => setTimeout(r, 100));
  }`);
  const { kernel, lines, exits } = await boot(root);
  try {
    await kernel.host.loadAll();
    assert.equal(await gated(kernel), true);
    await until(() => lines.filter((l) => l.code === 'IR_ERR_PLUGIN_FAULT').length >= 2);
    await until(() => kernel.host.list().find((p) => p.id === 'ordinary')?.state === 'failed' && kernel.layers.events.listenerCount('PreLogin') === 1);
    const state = Object.fromEntries(kernel.host.list().map((p) => [p.id, [p.state, p.error]]));
    assert.deepEqual(state.ordinary, ['failed', 'faulted: fault in a timer']);
    assert.equal(state.guard[0], 'loaded');
    assert.match(String(state.guard[1]), /kept loaded: critical/);
    assert.equal(state.early[0], 'failed');
    assert.match(String(state.early[1]), /faulted during setup: fault during setup/);
    assert.equal(kernel.layers.registries.commands.get('early'), undefined, 'the failed setup left nothing registered');
    assert.equal(await gated(kernel), true, "the critical plugin's gate still refuses");

    const byPlugin = Object.fromEntries(lines.filter((l) => l.code === 'IR_ERR_PLUGIN_FAULT' && l.action !== undefined).map((l) => [l.plugin, l]));
    assert.equal(byPlugin.ordinary.action, 'unloaded');
    assert.equal(byPlugin.ordinary.hook, 'setup');
    assert.match(byPlugin.ordinary.msg, /^plugin ordinary faulted outside its hooks \(unhandled rejection in code run from setup\): fault in a timer; the plugin is disabled/);
    assert.equal(byPlugin.guard.action, 'kept');
    assert.match(byPlugin.guard.msg, /stays loaded rather than opening its gates/);
    assert.equal(byPlugin.early.action, 'failed-setup');
    assert.deepEqual(exits, []);
  } finally {
    await kernel.host.shutdown();
    await rm(root, { recursive: true, force: true });
  }
});

test('a fault with no plugin scope: by stack frame, else exit 70 for an exception and log for a rejection', { timeout: 30_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-contain-'));
  const plugins = join(root, 'plugins');
  await plugin(plugins, 'framed', `setup(ctx) { ctx.events.on('ServerConnected', () => undefined); }`);
  const { kernel, lines, exits } = await boot(root);
  const report = (globalThis as Record<symbol, Report>)[REPORT];
  try {
    await kernel.host.loadAll();
    const inPluginCode = new Error('thrown by code the plugin ran at load');
    inPluginCode.stack = `Error: x\n    at helper (${join(plugins, 'framed', 'index.ts')}:3:9)\n    at node:internal/timers:1:1`;
    report('uncaught exception', inPluginCode);
    assert.equal(lines.at(-1)?.plugin, 'framed');
    assert.equal(lines.at(-1)?.hook, undefined);
    assert.match(lines.at(-1)!.msg, /^plugin framed faulted outside its hooks \(uncaught exception in its code, found by the stack\)/);
    assert.deepEqual(exits, []);

    report('unhandled rejection', new Error('kernel promise nobody awaited'));
    assert.equal(lines.at(-1)?.code, 'IR_ERR_PROCESS_UNHANDLED_REJECTION');
    assert.match(lines.at(-1)!.msg, /The proxy keeps serving/);
    assert.deepEqual(exits, []);

    report('uncaught exception', new Error('kernel bug'));
    assert.equal(lines.at(-1)?.code, 'IR_ERR_PROCESS_UNCAUGHT');
    assert.equal(lines.at(-1)?.level, 60);
    assert.deepEqual(exits, [70]);
  } finally {
    await kernel.host.shutdown();
    await rm(root, { recursive: true, force: true });
  }
});

test('repeated faults of one plugin version are logged once a minute, with a count', { timeout: 30_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-contain-'));
  await plugin(join(root, 'plugins'), 'noisy', `setup() { for (let i = 0; i < 5; i++) setTimeout(() => report('unhandled rejection', new Error('again')), 20); }`, { critical: true });
  const { kernel, lines } = await boot(root);
  try {
    await kernel.host.loadAll();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(lines.filter((l) => l.code === 'IR_ERR_PLUGIN_FAULT').length, 1);
  } finally {
    await kernel.host.shutdown();
    await rm(root, { recursive: true, force: true });
  }
});
