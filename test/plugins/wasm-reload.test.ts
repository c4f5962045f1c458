// Hot reload of a changed .wasm while a real client is connected: the new component (built from
// edited source by `plugin build` in the test) replaces the old one only after its on-enable
// succeeded; the connected player stays connected; the old worker is gone and nothing is
// registered twice.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWasmPlugin } from '../../kernel/cli/plugin-build.ts';
import { startProxy, serverToml } from '../helpers/proxy-harness.ts';
import { startBackend } from '../helpers/backend.ts';
import { join as joinServer, ping, plainText } from '../helpers/client.ts';
import { NO_WASM_TOOLCHAIN } from './wasm-skip.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/wasm-hello', import.meta.url));
const VERSION = '1.20.4';
const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

test('a changed .wasm is reloaded while a real client stays connected', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-reload-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  const pluginDir = join(root, 'plugins', 'wasm-hello');
  await cp(FIXTURE, pluginDir, { recursive: true });
  // The next version: same plugin, another MOTD, built from source the way an author does.
  const next = join(root, 'next');
  await cp(FIXTURE, next, { recursive: true });
  const source = await readFile(join(next, 'index.ts'), 'utf8');
  await writeFile(join(next, 'index.ts'), source.replace("'MOTD from wasm-hello'", "'MOTD from wasm-hello v2'"));
  const built = buildWasmPlugin(next);

  const backend = await startBackend({ version: VERSION });
  cleanup.push(() => backend.close());
  const harness = await startProxy({ builtins: [], global: `plugins_dir = ${JSON.stringify(join(root, 'plugins'))}\n`, servers: { lobby: serverToml(['wasm.example'], [backend.port]) } });
  cleanup.push(() => harness.stop());
  assert.equal(plainText((await ping(harness.port, 'wasm.example', VERSION)).description), 'MOTD from wasm-hello');

  const { client } = await joinServer({ port: harness.port, domain: 'wasm.example', version: VERSION, username: 'Stays', keep: true });
  let ended = false;
  (client as unknown as NodeJS.EventEmitter).on('end', () => (ended = true));
  cleanup.push(async () => client.end());

  const r = await built;
  assert.ok(r.ms < 20_000);
  await cp(r.file, join(pluginDir, 'wasm-hello.wasm'));
  assert.equal(await harness.host!.reloadDir(pluginDir), true);

  assert.equal(plainText((await ping(harness.port, 'wasm.example', VERSION)).description), 'MOTD from wasm-hello v2');
  assert.equal(harness.host!.list().find((p) => p.id === 'wasm-hello')?.state, 'loaded');
  const echo = harness.host!.layers.registries.commands.entries().filter((e) => e.value.name === 'wasm-echo');
  assert.equal(echo.length, 1, 'the command is registered once, by the new version');
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(ended, false, 'the connected player was not disturbed by the reload');
  await joinServer({ port: harness.port, domain: 'wasm.example', version: VERSION, username: 'After' });
});
