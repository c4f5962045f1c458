// Bad input (issue 14): a corrupt .wasm, a component of another WIT version and a manifest that
// lies about its id are refused with a message naming the plugin; a guest returning malformed
// results (wrong variant for the event, huge strings, bad JSON, lone surrogates) or flooding the
// log is contained: the event goes on without it (access events deny), the proxy is unaffected
// and a well-behaved plugin beside them keeps working.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startBackend } from '../helpers/backend.ts';
import { join as joinServer, KickError, ping, plainText } from '../helpers/client.ts';
import { NO_WASM_TOOLCHAIN } from './wasm-skip.ts';

const HELLO = fileURLToPath(new URL('./fixtures/wasm-hello', import.meta.url));
const HOSTILE = fileURLToPath(new URL('./fixtures/wasm-hostile', import.meta.url));
const VERSION = '1.20.4';
const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

/** A plugin folder holding `wasm` as `<id>.wasm` with a matching plugin.json. */
async function plugin(root: string, id: string, wasm: Uint8Array): Promise<void> {
  await mkdir(join(root, id), { recursive: true });
  await writeFile(join(root, id, `${id}.wasm`), wasm);
  await writeFile(join(root, id, 'plugin.json'), JSON.stringify({ id, version: '0.1.0', apiVersion: '^0.1.0', main: `${id}.wasm` }));
}

let harness: Harness;
const info = (id: string) => harness.host!.list().find((p) => p.id === id);
const motd = async (domain: string) => plainText((await ping(harness.port, domain, VERSION)).description);

before(async () => {
  if (NO_WASM_TOOLCHAIN !== false) return;
  const root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-bad-'));
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  const hello = await readFile(join(HELLO, 'wasm-hello.wasm'));
  await cp(HELLO, join(root, 'wasm-hello'), { recursive: true });
  await cp(HOSTILE, join(root, 'wasm-hostile'), { recursive: true });
  const backend = await startBackend({ version: VERSION, motd: 'backend motd' });
  cleanup.push(() => backend.close());
  const rules = { 'wrong.example': 'wrong', Wrong: 'wrong', 'huge.example': 'huge', Huge: 'huge', 'badjson.example': 'badjson', 'surrogate.example': 'surrogate', Surrogate: 'surrogate', 'logs.example': 'logflood' };
  harness = await startProxy({
    builtins: [],
    captureLogs: 'info',
    global: `plugins_dir = ${JSON.stringify(root)}\n[plugins.wasm-hostile]\nmotd = "hostile ok"\nrules = { ${Object.entries(rules).map(([k, v]) => `${JSON.stringify(k)} = ${JSON.stringify(v)}`).join(', ')} }\nwasm = { max_call_duration = "3s" }\n`,
    servers: {
      lobby: serverToml(['wasm.example'], [backend.port]),
      bad: serverToml(Object.keys(rules).filter((k) => k.includes('.')), [backend.port]),
    },
  });
  cleanup.push(() => harness.stop());
  // Dropped into the running proxy's plugins folder and loaded (what the watcher does on a new folder).
  await plugin(root, 'corrupt', Buffer.concat([hello.subarray(0, 4096), Buffer.from('not the rest of a component')]));
  await plugin(root, 'garbage', Buffer.from('this is not WebAssembly at all'));
  // The same guest with every infrarust:plugin name moved to @0.2.0 (same length: still valid).
  await plugin(root, 'next-wit', Buffer.from(hello.toString('latin1').replaceAll('@0.1.0', '@0.2.0'), 'latin1'));
  await plugin(root, 'liar', hello); // its metadata() says wasm-hello
  for (const id of ['corrupt', 'garbage', 'next-wit', 'liar']) assert.equal(await harness.host!.reloadDir(join(root, id)), false, id);
});

test('a corrupt .wasm is refused with a message naming the plugin; the proxy and other plugins are unaffected', { skip: NO_WASM_TOOLCHAIN }, async () => {
  for (const id of ['corrupt', 'garbage']) {
    const p = info(id);
    assert.equal(p?.state, 'failed', id);
    assert.match(p!.error ?? '', new RegExp(`plugin ${id}`));
    assert.ok(harness.logs.some((l) => l.plugin === id && l.code === 'IR_ERR_WASM_INVALID'), `${id}: logged with IR_ERR_WASM_INVALID`);
  }
  assert.equal(info('wasm-hello')?.state, 'loaded');
  assert.equal(await motd('wasm.example'), 'hostile ok'); // hostile has the higher priority
});

test('a component of another WIT version is refused before it is transpiled', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const p = info('next-wit');
  assert.equal(p?.state, 'failed');
  assert.match(p!.error ?? '', /plugin next-wit: the component was built against infrarust:plugin@0\.2\.0 .*this proxy provides infrarust:plugin@0\.1\.0/);
  assert.ok(harness.logs.some((l) => l.plugin === 'next-wit' && l.code === 'IR_ERR_WASM_VERSION'));
});

test('a manifest that lies about its id is refused (metadata().id differs from plugin.json)', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const p = info('liar');
  assert.equal(p?.state, 'failed');
  assert.match(p!.error ?? '', /plugin liar: the component's metadata\(\) says id "wasm-hello", but its plugin.json says "liar"/);
});

test('malformed results are contained: observer/resulted events skip the guest, access events deny', { skip: NO_WASM_TOOLCHAIN }, async () => {
  // ProxyPing fails open: the ping is answered as if the guest had not answered (wasm-hello's MOTD).
  for (const domain of ['wrong.example', 'huge.example', 'badjson.example']) assert.equal(await motd(domain), 'MOTD from wasm-hello', domain);
  // Lone surrogates (not valid UTF-8) reach the host as JS strings; JSON escapes them and the wire
  // encoding replaces them with U+FFFD: the ping is answered with the guest's text either way.
  assert.match(await motd('surrogate.example'), /^bad (\uFFFD|[\uD800-\uDFFF]) text (\uFFFD|[\uD800-\uDFFF])$/);
  // PreLogin fails closed: a malformed or oversized deny is not passed on, the login is refused.
  for (const username of ['Wrong', 'Huge']) {
    await assert.rejects(joinServer({ port: harness.port, domain: 'wasm.example', version: VERSION, username }), (err: unknown) => err instanceof KickError, username);
  }
  const surrogate = await joinServer({ port: harness.port, domain: 'wasm.example', version: VERSION, username: 'Surrogate' }).then(() => 'joined', (err: unknown) => (err instanceof KickError ? `kicked: ${err.message}` : String(err)));
  // A string with lone surrogates cannot be lowered to UTF-8: the guest's own canonical-ABI
  // lowering traps, so the login is denied (fail closed) and the guest re-instantiated.
  assert.match(surrogate, /^kicked/, 'a deny with lone surrogates still denies');
  assert.ok(harness.logs.some((l) => /wasm-hostile/.test(JSON.stringify(l)) && /malformed outcome/.test(JSON.stringify(l))), 'logged, naming the plugin');
  const faults = harness.logs.filter((l) => l.plugin === 'wasm-hostile' && /guest fault/.test(l.msg));
  assert.equal(faults.length, 1, 'only the surrogate trap is a fault of the instance; malformed outcomes are not');
  assert.equal(info('wasm-hostile')?.state, 'loaded');
  for (let i = 0; i < 100 && (await motd('wasm.example')) !== 'hostile ok'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(await motd('wasm.example'), 'hostile ok');
});

test('a guest flooding the log is capped per call', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const before = harness.logs.length;
  await motd('logs.example');
  await new Promise((resolve) => setTimeout(resolve, 200));
  const lines = harness.logs.slice(before).filter((l) => l.plugin === 'wasm-hostile');
  assert.ok(lines.length <= 110, `${lines.length} lines logged for one call`);
  assert.ok(lines.some((l) => /log lines of one onEvent call dropped/.test(l.msg)));
});
