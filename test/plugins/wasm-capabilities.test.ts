// A component is checked before it is instantiated: any wasi:* import, or an interface its
// [plugins.<id>] permissions do not grant, refuses it with a message naming the interface and
// what to grant; the refusal shows in `plugin list` and nothing of the guest runs. Components are
// written in WAT here (jco parse), a few hundred bytes each.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkImports } from '../../kernel/plugin-system/wasm/capabilities.ts';
import { bootKernel } from '../../kernel/kernel.ts';
import { createRootLogger } from '../../kernel/log/logger.ts';
import { NO_WASM_TOOLCHAIN } from './wasm-skip.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** A component importing `iface` and lowering its one function (jco lists only lowered imports). */
async function importing(iface: string): Promise<Uint8Array> {
  const { parse } = await import('@bytecodealliance/jco');
  return parse(`(component
    (import "${iface}" (instance $i (export "f" (func))))
    (core func $f (canon lower (func $i "f")))
    (core module $m (import "x" "f" (func)))
    (core instance (instantiate $m (with "x" (instance (export "f" (func $f))))))
  )`);
}

async function pluginsWith(plugins: Record<string, Uint8Array>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-caps-'));
  dirs.push(root);
  for (const [id, bytes] of Object.entries(plugins)) {
    await mkdir(join(root, id));
    await writeFile(join(root, id, `${id}.wasm`), bytes);
    await writeFile(join(root, id, 'plugin.json'), JSON.stringify({ id, version: '0.1.0', apiVersion: '^0.1.0', main: `${id}.wasm` }));
  }
  return root;
}

test('checkImports: baseline passes, wasi and ungranted opt-ins are refused by name', () => {
  const none = { permissions: [], deny: [] };
  checkImports('p', ['infrarust:plugin/events', 'infrarust:plugin/log@0.1.0', 'infrarust:plugin/types'], none);
  assert.throws(() => checkImports('p', ['wasi:cli/stdin'], none), { code: 'IR_ERR_WASM_WASI_IMPORT', message: /wasi:cli\/stdin/ });
  assert.throws(() => checkImports('p', ['infrarust:plugin/player-write'], none), {
    code: 'IR_ERR_WASM_CAPABILITY',
    message: /imports infrarust:plugin\/player-write \(capability "player-write"\).*\[plugins\.p\] permissions = \["player-write"\]/,
  });
  checkImports('p', ['infrarust:plugin/player-write'], { permissions: ['player-write'], deny: [] });
  assert.throws(() => checkImports('p', ['infrarust:plugin/events'], { permissions: [], deny: ['events'] }), { message: /remove "events" from \[plugins\.p\] deny/ });
  checkImports('p', ['infrarust:plugin/ban', 'infrarust:plugin/limbo', 'infrarust:plugin/codec-filter', 'infrarust:plugin/server-manage'], { permissions: ['ban', 'limbo', 'codec-filter', 'server-manage'], deny: [] });
  assert.throws(() => checkImports('p', ['infrarust:plugin/limbo'], none), { message: /grant it with \[plugins\.p\] permissions = \["limbo"\]/ });
  assert.throws(() => checkImports('p', ['acme:evil/net'], none), { message: /not part of infrarust:plugin@0\.1\.0/ });
});

test('the host refuses a component importing wasi:filesystem or an ungranted interface, naming it; a bad guest fails alone', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const pluginsDir = await pluginsWith({
    fsguest: await importing('wasi:filesystem/preopens@0.2.0'),
    writer: await importing('infrarust:plugin/player-write@0.1.0'),
    // Granted, but its `log` has the wrong shape: instantiation fails inside its worker.
    badshape: await importing('infrarust:plugin/log@0.1.0'),
  });
  const text = `plugins_dir = ${JSON.stringify(pluginsDir)}\n[plugins.granted]\npermissions = ["player-write"]\n`;
  const log = createRootLogger({ level: 'silent', pretty: false });
  const kernel = await bootKernel({ source: { text, file: join(pluginsDir, 'infrarust.toml') }, log, builtinDir: join(pluginsDir, 'none') });
  try {
    await kernel.host.loadAll();
    const byId = Object.fromEntries(kernel.host.list().map((p) => [p.id, p]));
    assert.equal(byId.fsguest?.state, 'failed');
    assert.match(byId.fsguest!.error!, /the component imports wasi:filesystem\/preopens; WASM plugins must be pure components without WASI/);
    assert.equal(byId.writer?.state, 'failed');
    assert.match(byId.writer!.error!, /imports infrarust:plugin\/player-write \(capability "player-write"\), which it is not granted; grant it with \[plugins\.writer\] permissions = \["player-write"\]/);
    assert.equal(byId.badshape?.state, 'failed');
    assert.match(byId.badshape!.error!, /failed to instantiate/);
  } finally {
    await kernel.host.shutdown();
  }
});
