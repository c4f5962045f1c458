// The native plugin loader: esbuild bundle → one CJS script evaluated with shared modules.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { z } from 'zod';
import * as sdk from '../../sdk/index.ts';
import type { PluginContext } from '../../sdk/plugin.ts';
import { isInfrarustError } from '../../kernel/errors.ts';
import { createNativeLoader } from '../../kernel/plugin-system/loader/native-loader.ts';

const SDK_DIR = fileURLToPath(new URL('../../sdk/', import.meta.url));
const log = pino({ level: 'silent' });
const loader = createNativeLoader({ dev: true, log });
const temps: string[] = [];

after(async () => {
  await loader.close();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A plugin folder in a temp dir: plugin.json plus the given files. */
function pluginDir(id: string, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), `ir-loader-${id}-`));
  temps.push(dir);
  writeFileSync(join(dir, 'plugin.json'), JSON.stringify({ id, version: '1.0.0', apiVersion: '^0.1.0' }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function fakeContext(id: string): PluginContext & Record<string, unknown> {
  return { id } as unknown as PluginContext & Record<string, unknown>;
}

test('loads a plugin; setup runs; shared modules are the kernel instances', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ir-loader-demo-'));
  temps.push(dir);
  const relSdk = relative(join(dir, 'lib'), SDK_DIR).split('\\').join('/');
  const files: Record<string, string> = {
    'plugin.json': JSON.stringify({ id: 'demo', version: '1.0.0', apiVersion: '^0.1.0' }),
    'index.ts': [
      "import { definePlugin, type PluginContext } from 'infrarust/sdk';",
      "import * as sdkNamespace from 'infrarust/sdk';",
      "import { z } from 'zod';",
      "import { pino } from 'pino';",
      "import mitt from 'mitt';",
      "import { greet, relDefinePlugin, relIdPattern } from './lib/helper.ts';",
      'const shared = { sdkRequired: require("infrarust/sdk"), definePlugin, nsDefinePlugin: sdkNamespace.definePlugin, z, pino, mitt, relDefinePlugin, relIdPattern };',
      'export default definePlugin({',
      '  setup(ctx: PluginContext) { (ctx as unknown as Record<string, unknown>).greeting = greet(ctx.id); },',
      '  shared,',
      '} as Parameters<typeof definePlugin>[0]);',
    ].join('\n'),
    'lib/helper.ts': [
      `import { definePlugin as relDefinePlugin } from '${relSdk}/index.ts';`,
      `import { PLUGIN_ID_PATTERN as relIdPattern } from '${relSdk}/plugin.ts';`,
      'export { relDefinePlugin, relIdPattern };',
      'export function greet(id: string): string { return `hello ${id}`; }',
    ].join('\n'),
  };
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }

  const loaded = await loader.load(dir, 'demo', 'index.ts');
  const ctx = fakeContext('demo');
  await loaded.definition.setup(ctx);
  assert.equal(ctx.greeting, 'hello demo');
  assert.ok(loaded.sourceBytes > 0 && loaded.sourceBytes < 20_000, `sdk/zod not bundled (${loaded.sourceBytes} B)`);
  assert.ok(loaded.buildMs >= 0);

  const shared = (loaded.definition as unknown as { shared: Record<string, unknown> }).shared;
  assert.equal(shared.sdkRequired, sdk, 'require("infrarust/sdk") is the kernel sdk namespace');
  assert.equal(shared.definePlugin, sdk.definePlugin);
  assert.equal(shared.nsDefinePlugin, sdk.definePlugin);
  assert.equal(shared.relDefinePlugin, sdk.definePlugin, 'a relative import of sdk/index.ts is the shared sdk');
  assert.equal(shared.relIdPattern, sdk.PLUGIN_ID_PATTERN, 'a relative import of an sdk file is the shared sdk');
  assert.equal(shared.z, z);
  assert.equal(shared.pino, pino);
  assert.equal(typeof shared.mitt, 'function');
});

test('a syntax error is IR_ERR_PLUGIN_BUILD naming file, line and column', async () => {
  const dir = pluginDir('broken', {
    'index.ts': "import { definePlugin } from 'infrarust/sdk';\nimport { x } from './util.ts';\nexport default definePlugin({ setup() { return x; } });\n",
    'util.ts': 'export const a = 1;\nexport const x: number = (a +;\n',
  });
  await assert.rejects(loader.load(dir, 'broken', 'index.ts'), (err: unknown) => {
    assert.ok(isInfrarustError(err, 'IR_ERR_PLUGIN_BUILD'), String(err));
    assert.match(err.message, /util\.ts:2:\d+: /);
    assert.match(err.message, /"broken"/);
    return true;
  });
  // The kept context recovers once the file is fixed.
  writeFileSync(join(dir, 'util.ts'), 'export const x = 2;\n');
  const loaded = await loader.load(dir, 'broken', 'index.ts');
  assert.equal(typeof loaded.definition.setup, 'function');
});

test('top-level await is rejected at build time', async () => {
  const dir = pluginDir('tla', { 'index.ts': "await Promise.resolve();\nexport default { setup() {} };\n" });
  await assert.rejects(loader.load(dir, 'tla', 'index.ts'), (err: unknown) => isInfrarustError(err, 'IR_ERR_PLUGIN_BUILD') && /index\.ts:1:1/.test(err.message));
});

test('a throw at module top level propagates with the TS file and line in its stack', async () => {
  const dir = pluginDir('thrower', {
    'index.ts': [
      "import { definePlugin } from 'infrarust/sdk';",
      'interface Unused { a: number }',
      'const n: number = 1;',
      '',
      "if (n === 1) throw new Error('top-level boom');",
      'export default definePlugin({ setup() {} });',
    ].join('\n'),
  });
  await assert.rejects(loader.load(dir, 'thrower', 'index.ts'), (err: unknown) => {
    assert.ok(err instanceof Error && err.message === 'top-level boom');
    assert.match(String(err.stack), /index\.ts:5:\d+/, String(err.stack));
    return true;
  });
});

test('errors thrown later from setup are source-mapped too', async () => {
  const dir = pluginDir('late', {
    'index.ts': "import { definePlugin } from 'infrarust/sdk';\nimport { fail } from './fail.ts';\nexport default definePlugin({ setup() { fail(); } });\n",
    'fail.ts': "// comment\n\nexport function fail(): never {\n  throw new Error('in setup');\n}\n",
  });
  const { definition } = await loader.load(dir, 'late', 'index.ts');
  assert.throws(() => definition.setup(fakeContext('late')), (err: Error) => /fail\.ts:4:\d+/.test(String(err.stack)) && /index\.ts:3:\d+/.test(String(err.stack)));
});

test('a default export without setup is IR_ERR_PLUGIN_INVALID_MODULE; module.exports is accepted', async () => {
  const bad = pluginDir('nosetup', { 'index.ts': 'export default { teardown() {} };\n' });
  await assert.rejects(loader.load(bad, 'nosetup', 'index.ts'), (err: unknown) => isInfrarustError(err, 'IR_ERR_PLUGIN_INVALID_MODULE'));
  const none = pluginDir('noexport', { 'index.ts': 'export const x = 1;\n' });
  await assert.rejects(loader.load(none, 'noexport', 'index.ts'), (err: unknown) => isInfrarustError(err, 'IR_ERR_PLUGIN_INVALID_MODULE'));
  const cjs = pluginDir('cjs', { 'main.cjs': 'module.exports = { setup() { return 42; } };\n' });
  const loaded = await loader.load(cjs, 'cjs', 'main.cjs');
  assert.equal(loaded.definition.setup(fakeContext('cjs')), 42);
});

test('dev mode: an incremental rebuild picks up an edit', async () => {
  const source = (n: number): string =>
    `import { definePlugin } from 'infrarust/sdk';\nimport { twice } from './twice.ts';\nexport const VALUE = ${n};\nexport default definePlugin({ setup(ctx) { (ctx as any).value = twice(VALUE); } });\n`;
  const dir = pluginDir('edited', { 'index.ts': source(1), 'twice.ts': 'export const twice = (n: number): number => n * 2;\n' });
  const first = await loader.load(dir, 'edited', 'index.ts');
  const ctx1 = fakeContext('edited');
  await first.definition.setup(ctx1);
  assert.equal(ctx1.value, 2);

  writeFileSync(join(dir, 'index.ts'), source(21));
  const second = await loader.load(dir, 'edited', 'index.ts');
  const ctx2 = fakeContext('edited');
  await second.definition.setup(ctx2);
  assert.equal(ctx2.value, 42);
  assert.notEqual(second.definition, first.definition);

  writeFileSync(join(dir, 'twice.ts'), 'export const twice = (n: number): number => n * 3;\n');
  const third = await loader.load(dir, 'edited', 'index.ts');
  const ctx3 = fakeContext('edited');
  await third.definition.setup(ctx3);
  assert.equal(ctx3.value, 63, 'an edit to an imported file is picked up');
  await loader.dispose('edited');
  await loader.dispose('edited');
});

test('prod mode loads without keeping a context; concurrent loads of one id are serialized', async () => {
  const prod = createNativeLoader({ dev: false, log });
  const dir = pluginDir('prod', { 'index.ts': "let n = 0;\nexport default { setup() { return ++n; } };\n" });
  const [a, b] = await Promise.all([prod.load(dir, 'prod', 'index.ts'), prod.load(dir, 'prod', 'index.ts')]);
  assert.notEqual(a.definition, b.definition, 'each load evaluates a fresh module');
  assert.equal(a.definition.setup(fakeContext('prod')), 1);
  assert.equal(b.definition.setup(fakeContext('prod')), 1);
  await prod.close();
});

test('a type-checked load refuses a plugin with type errors (file:line:col) and loads a clean one', { timeout: 60_000 }, async () => {
  const { createTypeChecker } = await import('../../kernel/plugin-system/loader/type-check.ts');
  const checked = createNativeLoader({ dev: true, log, typeChecker: createTypeChecker(log) });
  try {
    // In a temp dir, outside the repository: infrarust/sdk and zod resolve to the proxy's copies.
    const source = (max: string) => [
      "import { z } from 'zod';",
      "import { definePlugin } from 'infrarust/sdk';",
      'export default definePlugin({',
      '  configSchema: z.object({ motd: z.string().default("hi") }),',
      '  setup(ctx) {',
      `    ctx.events.on('ProxyPing', (e) => { e.response.players.max = ${max}; });`,
      '  },',
      '});',
    ].join('\n');
    const bad = pluginDir('typed', { 'index.ts': source("'lots'") });
    const started = Date.now();
    await assert.rejects(checked.load(bad, 'typed', 'index.ts', { typeCheck: true }), (err: unknown) => {
      assert.ok(isInfrarustError(err, 'IR_ERR_PLUGIN_TYPES'), String(err));
      assert.match(err.message, /index\.ts:6:\d+: Type 'string' is not assignable to type 'number'\. \(TS2322\)/);
      return true;
    });
    const checkMs = Date.now() - started;
    assert.ok((await checked.load(bad, 'typed', 'index.ts')).definition, 'without typeCheck the same code loads');
    const good = pluginDir('typed-ok', { 'index.ts': source('100') });
    assert.equal(typeof (await checked.load(good, 'typed-ok', 'index.ts', { typeCheck: true })).definition.setup, 'function');
    assert.ok(checkMs < 30_000, `a check took ${checkMs} ms`);
  } finally {
    await checked.close();
  }
});
