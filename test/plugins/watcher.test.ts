// The plugin folder watcher: per-folder debounced change/added/removed, within 1 s each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isIgnoredPath, watchPluginDirs, type PluginWatcher } from '../../kernel/plugin-system/loader/plugin-watcher.ts';

type Kind = 'change' | 'added' | 'removed';
interface Call { kind: Kind; dir: string }

/** Temp plugins dir with folder `a` (index.ts), a watcher recording calls, and helpers. */
function setup(options: { recursive?: boolean; onChange?: (dir: string) => void | Promise<void> } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'ir-watch-'));
  const plugins = join(root, 'plugins');
  mkdirSync(join(plugins, 'a'), { recursive: true });
  writeFileSync(join(plugins, 'a', 'index.ts'), 'export default 1;\n');
  writeFileSync(join(plugins, 'README.md'), 'top-level file\n');
  const calls: Call[] = [];
  const errors: unknown[] = [];
  const watcher: PluginWatcher = watchPluginDirs([plugins], {
    onChange: (dir) => {
      calls.push({ kind: 'change', dir });
      return options.onChange?.(dir);
    },
    onAdded: (dir) => void calls.push({ kind: 'added', dir }),
    onRemoved: (dir) => void calls.push({ kind: 'removed', dir }),
    onError: (err) => errors.push(err),
    recursive: options.recursive,
  });
  const of = (kind: Kind, name: string): Call[] => calls.filter((c) => c.kind === kind && c.dir === join(plugins, name));
  /** Waits (max 1 s) until `kind` was reported for `name` `count` times. */
  async function expectCall(kind: Kind, name: string, count = 1): Promise<void> {
    const deadline = Date.now() + 1000;
    while (of(kind, name).length < count && Date.now() < deadline) await sleep(10);
    assert.equal(of(kind, name).length, count, `${kind} ${name} within 1 s; calls: ${JSON.stringify(calls)}`);
  }
  function cleanup(): void {
    watcher.close();
    rmSync(root, { recursive: true, force: true });
    assert.deepEqual(errors, []);
  }
  return { plugins, calls, of, expectCall, cleanup, watcher };
}

for (const recursive of [false, true]) {
  const mode = recursive ? "Node's recursive mode" : 'per-directory mode';

  test(`${mode}: an edit burst gives one onChange; new folder → onAdded; removal → onRemoved`, { timeout: 10_000 }, async () => {
    const w = setup({ recursive });
    try {
      const a = join(w.plugins, 'a');
      writeFileSync(join(a, 'index.ts'), 'export default 2;\n');
      await sleep(10);
      mkdirSync(join(a, 'lib'));
      writeFileSync(join(a, 'lib', 'util.ts'), 'export const u = 1;\n');
      await sleep(10);
      writeFileSync(join(a, 'index.ts'), 'export default 3;\n');
      await w.expectCall('change', 'a');
      await sleep(250);
      assert.equal(w.of('change', 'a').length, 1, 'one call per burst');

      // A later edit in the new subfolder is seen.
      writeFileSync(join(a, 'lib', 'util.ts'), 'export const u = 2;\n');
      await w.expectCall('change', 'a', 2);

      // New plugin folder, files written in the same burst: onAdded only.
      const b = join(w.plugins, 'b');
      mkdirSync(b);
      writeFileSync(join(b, 'plugin.json'), '{}');
      writeFileSync(join(b, 'index.ts'), 'export default 1;\n');
      await w.expectCall('added', 'b');
      await sleep(150);
      assert.equal(w.of('change', 'b').length, 0);
      writeFileSync(join(b, 'index.ts'), 'export default 2;\n');
      await w.expectCall('change', 'b');

      rmSync(b, { recursive: true });
      await w.expectCall('removed', 'b');
      await sleep(150);
      assert.equal(w.calls.filter((c) => c.dir === b).length, 3, JSON.stringify(w.calls));
    } finally {
      w.cleanup();
    }
  });
}

test('ignored paths and top-level files give no calls; close() stops reporting', { timeout: 10_000 }, async () => {
  const w = setup();
  try {
    const a = join(w.plugins, 'a');
    mkdirSync(join(a, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(join(a, 'node_modules', 'dep', 'index.js'), '1');
    mkdirSync(join(a, '.git'));
    writeFileSync(join(a, '.git', 'HEAD'), 'ref');
    writeFileSync(join(a, 'index.ts.swp'), 'x');
    writeFileSync(join(a, 'index.ts~'), 'x');
    writeFileSync(join(a, '.index.ts.tmp'), 'x');
    writeFileSync(join(w.plugins, 'README.md'), 'edited\n');
    writeFileSync(join(w.plugins, 'other.wasm'), 'x');
    mkdirSync(join(w.plugins, '.cache'));
    await sleep(300);
    assert.deepEqual(w.calls, []);
  } finally {
    w.cleanup();
  }
  const closed = setup();
  try {
    writeFileSync(join(closed.plugins, 'a', 'index.ts'), 'export default 10;\n');
    closed.watcher.close();
    closed.watcher.close();
    writeFileSync(join(closed.plugins, 'a', 'index.ts'), 'export default 11;\n');
    mkdirSync(join(closed.plugins, 'c'));
    await sleep(200);
    assert.deepEqual(closed.calls, [], 'nothing reported after close(), even a burst already pending');
  } finally {
    closed.cleanup();
  }
});

test('per-directory mode survives atomic saves and a folder re-created under the same name', { timeout: 10_000 }, async () => {
  const w = setup({ recursive: false });
  try {
    const a = join(w.plugins, 'a');
    // Editor-style atomic save: write a temp file, rename it over the original.
    writeFileSync(join(a, '.index.ts.tmp'), 'export default 4;\n');
    renameSync(join(a, '.index.ts.tmp'), join(a, 'index.ts'));
    await w.expectCall('change', 'a', 1);
    // Node 20's recursive emulation on Linux misses this in-place edit after an atomic save.
    writeFileSync(join(a, 'index.ts'), 'export default 5;\n');
    await w.expectCall('change', 'a', 2);

    rmSync(a, { recursive: true });
    await w.expectCall('removed', 'a');
    mkdirSync(a);
    writeFileSync(join(a, 'index.ts'), 'export default 6;\n');
    await w.expectCall('added', 'a');
    await sleep(100);
    writeFileSync(join(a, 'index.ts'), 'export default 7;\n');
    await w.expectCall('change', 'a', 3);
  } finally {
    w.cleanup();
  }
});

test('callbacks of one folder never overlap: a burst during a slow onChange runs after it', { timeout: 10_000 }, async () => {
  let active = 0;
  let maxActive = 0;
  const w = setup({
    onChange: async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await sleep(250);
      active--;
    },
  });
  try {
    const file = join(w.plugins, 'a', 'index.ts');
    writeFileSync(file, 'export default 8;\n');
    await w.expectCall('change', 'a', 1);
    writeFileSync(file, 'export default 9;\n');
    await sleep(600);
    assert.equal(w.of('change', 'a').length, 2);
    assert.equal(maxActive, 1);
  } finally {
    w.cleanup();
  }
});

test('isIgnoredPath', () => {
  for (const p of ['a/node_modules/x.js', 'a/.git/HEAD', '.cache', 'a/index.ts~', 'a/x.swp', 'a/#x.ts#', 'a/4913', '']) assert.ok(isIgnoredPath(p), p);
  for (const p of ['a', 'a/index.ts', 'a/lib/util.ts', 'a\\lib\\util.ts']) assert.ok(!isIgnoredPath(p), p);
});

test('a missing plugins dir is an error at start', () => {
  assert.throws(() => watchPluginDirs([join(tmpdir(), 'ir-watch-missing-does-not-exist')], { onChange() {}, onAdded() {}, onRemoved() {} }), { code: 'ENOENT' });
});
