// Plugin faults are contained: a bad manifest, a throwing setup, a never-ending setup, a missing
// dependency and a cycle each get one clear error naming the plugin, and the rest load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { bootKernel } from '../../kernel/kernel.ts';

const SDK = join(process.cwd(), 'sdk', 'index.ts');

async function plugin(root: string, id: string, body: string, manifest: Record<string, unknown> = {}): Promise<void> {
  const dir = join(root, id);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'plugin.json'), JSON.stringify({ id, version: '1.0.0', apiVersion: '^0.1.0', ...manifest }));
  await writeFile(join(dir, 'index.ts'), `import { definePlugin } from ${JSON.stringify(SDK)};\nexport default definePlugin({ ${body} });\n`);
}

function recordingLog(): { log: Logger; lines: { plugin?: string; msg: string; code?: string }[] } {
  const lines: { plugin?: string; msg: string; code?: string }[] = [];
  const log: Logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { log, lines };
}

test('one bad plugin of each kind is reported by name and the good ones load', { timeout: 30_000 }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-faults-'));
  const users = join(root, 'plugins');
  await plugin(users, 'good', `setup(ctx) { ctx.commands.register({ name: 'good', execute() {} }); }`);
  await plugin(users, 'thrower', `setup() { throw new Error('boom in setup'); }`);
  await plugin(users, 'hanger', `setup() { return new Promise(() => {}); }`);
  await plugin(users, 'orphan', `setup() {}`, { dependencies: [{ id: 'missing' }] });
  await plugin(users, 'child-of-thrower', `setup() {}`, { dependencies: [{ id: 'thrower' }] });
  await plugin(users, 'cycle-a', `setup() {}`, { dependencies: [{ id: 'cycle-b' }] });
  await plugin(users, 'cycle-b', `setup() {}`, { dependencies: [{ id: 'cycle-a' }] });
  await plugin(users, 'old-api', `setup() {}`, { apiVersion: '^9.0.0' });
  await mkdir(join(users, 'broken-manifest'));
  await writeFile(join(users, 'broken-manifest', 'plugin.json'), '{ "id": "Broken Id", "version": "x" }');
  await plugin(users, 'syntax', `setup() { this is not code }`);

  const { log, lines } = recordingLog();
  const { host, layers } = await bootKernel({ source: { text: '', file: join(root, 'infrarust.toml') }, overrides: { plugins_dir: users }, log, builtinDir: join(root, 'none'), setupTimeoutMs: 300 });
  await host.loadAll();
  const state = Object.fromEntries(host.list().map((p) => [p.id, p.state]));
  assert.deepEqual(state, {
    good: 'loaded',
    thrower: 'failed',
    hanger: 'failed',
    orphan: 'skipped',
    'child-of-thrower': 'skipped',
    'cycle-a': 'skipped',
    'cycle-b': 'skipped',
    syntax: 'failed',
  });
  const text = lines.map((l) => l.msg).join('\n');
  assert.match(text, /plugin thrower failed: .*boom in setup/);
  assert.match(text, /plugin hanger failed: .*did not finish in time/);
  assert.match(text, /plugin orphan skipped: requires plugin "missing"/);
  assert.match(text, /cycle-a -> cycle-b -> cycle-a|cycle-b -> cycle-a -> cycle-b/);
  assert.match(text, /old-api.*wants API \^9\.0\.0/);
  assert.match(text, /broken-manifest[/\\]plugin\.json: .*id/);
  assert.match(text, /plugin syntax failed: [\s\S]*index\.ts:2:/);
  assert.ok(layers.registries.commands.get('good') !== undefined);
  assert.equal(layers.registries.commands.owned(host.activeOwner('thrower') ?? 'thrower#1').length, 0, 'a failed setup leaves nothing registered');
  await host.shutdown();
  await rm(root, { recursive: true, force: true });
});

test('[plugins.<id>] settings are validated by the plugin schema; enabled = false skips it', async () => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-pcfg-'));
  const users = join(root, 'plugins');
  await mkdir(join(users, 'typed'), { recursive: true });
  await writeFile(join(users, 'typed', 'plugin.json'), JSON.stringify({ id: 'typed', version: '1.0.0', apiVersion: '^0.1.0' }));
  await writeFile(join(users, 'typed', 'index.ts'), `import { z } from 'zod';\nimport { definePlugin } from ${JSON.stringify(SDK)};\nexport default definePlugin({ configSchema: z.object({ port: z.number() }), setup(ctx) { ctx.services.provide('typed', { port: ctx.config.port }); } });\n`);
  await plugin(users, 'off', `setup(ctx) { ctx.commands.register({ name: 'off', execute() {} }); }`);
  for (const [settings, expected] of [[{ port: 'x' }, 'failed'], [{ port: 25565 }, 'loaded']] as const) {
    const { log, lines } = recordingLog();
    const text = `[plugins.typed]\nenabled = true\nport = ${JSON.stringify(settings.port)}\n\n[plugins.off]\nenabled = false\n`;
    const { host, layers } = await bootKernel({ source: { text, file: join(root, 'infrarust.toml') }, overrides: { plugins_dir: users }, log, builtinDir: join(root, 'none') });
    await host.loadAll();
    const states = Object.fromEntries(host.list().map((p) => [p.id, p.state]));
    assert.equal(states.typed, expected);
    assert.equal(states.off, 'disabled');
    assert.equal(layers.registries.commands.get('off'), undefined);
    if (expected === 'failed') assert.match(lines.map((l) => l.msg).join('\n'), /\[plugins\.typed\]: plugins\.typed\.port: /);
    else assert.deepEqual(layers.registries.services.get('typed'), { port: 25565 });
    await host.shutdown();
  }
  await rm(root, { recursive: true, force: true });
});
