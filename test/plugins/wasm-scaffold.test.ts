// `infrarust plugin new NAME --wasm` then `infrarust plugin build DIR`: the template (with typed
// bindings generated from the WIT) builds into a pure component that the host accepts as is.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaffoldWasmPlugin } from '../../kernel/cli/plugin-commands.ts';
import { buildWasmPlugin } from '../../kernel/cli/plugin-build.ts';
import { cachedComponent } from '../../kernel/plugin-system/wasm/component-cache.ts';
import { checkImports } from '../../kernel/plugin-system/wasm/capabilities.ts';
import { bootKernel } from '../../kernel/kernel.ts';
import { createRootLogger } from '../../kernel/log/logger.ts';
import { NO_WASM_TOOLCHAIN } from './wasm-skip.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

test('plugin new --wasm scaffolds a guest with typed bindings; plugin build makes a component the host accepts', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-new-'));
  dirs.push(root);
  const dir = await scaffoldWasmPlugin('hello', root);
  const manifest = JSON.parse(await readFile(join(dir, 'plugin.json'), 'utf8'));
  assert.equal(manifest.main, 'hello.wasm');
  assert.match(await readFile(join(dir, 'types', 'interfaces', 'infrarust-plugin-events.d.ts'), 'utf8'), /declare module 'infrarust:plugin\/events@0\.1\.0'/);
  const built = await buildWasmPlugin(dir);
  assert.ok((await stat(built.file)).size > 100_000);
  const component = await cachedComponent(await readFile(built.file), join(root, '.cache'), 'hello');
  assert.ok(!component.imports.some((i) => i.startsWith('wasi:')), `no WASI imports: ${component.imports.join(', ')}`);
  checkImports('hello', component.imports, { permissions: [], deny: [] });
  // And it loads: metadata() answers the manifest's id, on-enable registers its command.
  const kernel = await bootKernel({ source: { text: `plugins_dir = ${JSON.stringify(root)}\n`, file: join(root, 'infrarust.toml') }, log: createRootLogger({ level: 'silent', pretty: false }), builtinDir: join(root, 'none') });
  try {
    await kernel.host.loadAll();
    assert.deepEqual(kernel.host.list().map((p) => [p.id, p.state, p.error]), [['hello', 'loaded', undefined]]);
    assert.ok(kernel.layers.registries.commands.get('hello') !== undefined);
  } finally {
    await kernel.host.shutdown();
  }
});
