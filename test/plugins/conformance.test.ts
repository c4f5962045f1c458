// Conformance: every plugin shipped in builtin-plugins/ and plugins/ loads, unloads and reloads,
// and after each unload nothing of it remains: no listener, filter, limbo handler, command,
// service or timer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { pino } from 'pino';
import { bootKernel } from '../../kernel/kernel.ts';
import { pluginFolders } from '../../kernel/plugin-system/host/discovery.ts';
import type { PluginLayers } from '../../kernel/layers/plugin-layers.ts';

const ROOT = process.cwd();
const BUILTIN = join(ROOT, 'builtin-plugins');
const USER = join(ROOT, 'plugins');

function timers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

/** Everything an owner still has in the layers; removeOwner returns how many it had to remove. */
function leftovers(layers: PluginLayers, owner: string): string[] {
  const left: string[] = [];
  const events = layers.events.removeOwner(owner);
  const transport = layers.transport.removeOwner(owner);
  const codec = layers.codec.removeOwner(owner);
  if (events > 0) left.push(`${events} event listeners`);
  if (transport > 0) left.push(`${transport} transport filters`);
  if (codec > 0) left.push(`${codec} codec filters`);
  for (const kind of ['limbo', 'commands', 'services'] as const) {
    const names = layers.registries[kind].owned(owner);
    if (names.length > 0) left.push(`${kind}: ${names.join(', ')}`);
  }
  return left;
}

test('every shipped plugin loads, unloads and reloads without leaving anything behind', { timeout: 60_000 }, async () => {
  const dirs = [...(await pluginFolders(BUILTIN)), ...(await pluginFolders(USER))];
  assert.ok(dirs.length > 0, 'there is at least one plugin to check');
  const log = pino({ level: process.env.TEST_LOG ?? 'silent' });
  // Data dirs go to a temp folder, not into the repo's plugins/.
  const dataRoot = await mkdtemp(join(tmpdir(), 'infrarust-conformance-'));
  for (const dir of dirs) {
    const timersBefore = timers();
    const source = { text: '', file: join(dataRoot, 'infrarust.toml') };
    const { host, layers } = await bootKernel({ source, overrides: { plugins_dir: dataRoot }, log, builtinDir: join(dataRoot, 'none'), dev: true });
    assert.equal(await host.reloadDir(dir), true, `${dir} loads`);
    const id = host.list()[0].id;
    const first = host.activeOwner(id)!;
    assert.equal(await host.reloadDir(dir), true, `${id} reloads`);
    const second = host.activeOwner(id)!;
    assert.notEqual(first, second);
    assert.deepEqual(leftovers(layers, first), [], `${id}: the replaced version left registrations`);
    await host.unloadDir(dir);
    assert.deepEqual(leftovers(layers, second), [], `${id}: the unloaded version left registrations`);
    assert.equal(layers.events.listenerCount(), 0);
    assert.equal(layers.transport.isEmpty && layers.codec.isEmpty, true);
    await host.shutdown();
    assert.ok(timers() <= timersBefore, `${id} left ${timers() - timersBefore} timers running`);
  }
  await rm(dataRoot, { recursive: true, force: true });
});
