// A WASM component plugin end to end (issue 14): the committed wasm-hello fixture, built from
// its TypeScript source by `infrarust plugin build`, is loaded from plugins_dir by the real host
// and answers real minecraft-protocol clients: it rewrites the MOTD a client pings, denies a
// login by name (the client is kicked with the reason), and registers a command the console runs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join as joinServer, KickError, ping, plainText } from '../helpers/client.ts';
import { NO_WASM_TOOLCHAIN } from './wasm-skip.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/wasm-hello', import.meta.url));
const VERSION = '1.20.4';

let backend: Backend;
let harness: Harness;
let pluginsDir: string;

before(async () => {
  if (NO_WASM_TOOLCHAIN) return;
  pluginsDir = await mkdtemp(join(tmpdir(), 'infrarust-wasm-'));
  await cp(FIXTURE, join(pluginsDir, 'wasm-hello'), { recursive: true });
  backend = await startBackend({ version: VERSION });
  harness = await startProxy({
    builtins: [],
    captureLogs: 'info',
    global: `plugins_dir = ${JSON.stringify(pluginsDir)}\n[plugins.wasm-hello]\nmotd = "Hello from WASM"\ndeny_name = "Mallory"\n`,
    servers: { lobby: serverToml(['wasm.example'], [backend.port]) },
  });
});

after(async () => {
  await harness?.stop();
  await backend?.close();
  await rm(pluginsDir, { recursive: true, force: true });
});

test('the component is listed like any other plugin', { skip: NO_WASM_TOOLCHAIN }, () => {
  const p = harness.host!.list().find((x) => x.id === 'wasm-hello');
  assert.equal(p?.state, 'loaded');
  assert.ok(harness.logs.some((l) => l.plugin === 'wasm-hello' && /enabled, motd=Hello from WASM/.test(l.msg)), 'the guest logged through its plugin logger');
});

test('the guest rewrites the MOTD a real client pings', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const r = await ping(harness.port, 'wasm.example', VERSION);
  assert.equal(plainText(r.description), 'Hello from WASM');
});

test('the guest denies a login by name: the real client is kicked with its reason', { skip: NO_WASM_TOOLCHAIN }, async () => {
  await assert.rejects(joinServer({ port: harness.port, domain: 'wasm.example', version: VERSION, username: 'Mallory' }), (err: unknown) => {
    assert.ok(err instanceof KickError, String(err));
    assert.match(err.reason, /No entry for Mallory \(wasm-hello\)/);
    return true;
  });
  await joinServer({ port: harness.port, domain: 'wasm.example', version: VERSION, username: 'Alice' });
  assert.ok(backend.joined.includes('Alice'));
});

test('the guest registers a command the console runs (and its alias)', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const replies: string[] = [];
  const source = { reply: (s: string) => replies.push(s), hasPermission: () => true };
  const commands = harness.host!.layers.registries.commands;
  await commands.get('wasm-echo')!.execute(source, ['hi', 'there']);
  await commands.get('wecho')!.execute(source, ['again']);
  assert.deepEqual(replies, ['wasm-echo from console: hi there', 'wasm-echo from console: again']);
});

test('unloading the plugin undoes its listener and command', { skip: NO_WASM_TOOLCHAIN }, async () => {
  await harness.host!.unloadDir(join(pluginsDir, 'wasm-hello'));
  assert.equal(harness.host!.layers.registries.commands.get('wasm-echo'), undefined);
  const r = await ping(harness.port, 'wasm.example', VERSION);
  assert.notEqual(plainText(r.description), 'Hello from WASM');
});
