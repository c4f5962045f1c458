// The guest test kit (`loadGuest` from `infrarust/sdk/testing`) runs a built component's handlers
// in-process, and the WASM template's own test uses it:
// - the wasm-caps fixture's codec filter, limbo handler and player-write/ban commands driven
//   through the kit (RawPacket, a test limbo session, a test player, stand-in ban and
//   server-manager services);
// - `plugin new hello --wasm` then `plugin build` (timed), then the scaffolded folder's own
//   index.test.ts run by node's test runner passes against the built component; adding an
//   opt-in to plugin.json makes the next build regenerate types/.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadGuest, testPlayer } from 'infrarust/sdk/testing';
import { scaffoldWasmPlugin } from '../../kernel/cli/plugin-commands.ts';
import { buildWasmPlugin } from '../../kernel/cli/plugin-build.ts';
import { NO_WASM_TOOLCHAIN } from './wasm-skip.ts';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CAPS = fileURLToPath(new URL('./fixtures/wasm-caps/wasm-caps.wasm', import.meta.url));
const cleanup: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const fn of cleanup.reverse()) await fn();
});

const str = (s: string): Uint8Array => {
  const b = Buffer.from(s, 'utf8');
  return Uint8Array.from([b.length, ...b]); // VarInt length (< 128 here)
};

test('loadGuest drives a component\'s codec filter, limbo handler and commands in-process', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const ann = testPlayer({ username: 'Ann', connectionId: 7 });
  const g = await loadGuest(CAPS, { config: { chat_ids: [2] }, proxy: { players: [ann] } });
  cleanup.push(() => g.close());

  assert.equal(await g.filter('serverbound', 2, str('just words')), 'pass');
  assert.equal(await g.filter('serverbound', 2, str('drop me')), 'drop');
  assert.deepEqual(await g.filter('serverbound', 2, str('shout hi')), str('HI (via wasm)'));
  assert.equal(await g.filter('serverbound', 3, str('shout not selected')), 'pass', 'unselected ids never reach the guest');

  const { result, session } = await g.enterLimbo('wasm-gate', { username: 'Held' });
  assert.deepEqual(result, { type: 'hold' });
  assert.deepEqual(session.messages, ['Welcome Held: say "let me in"']);
  await session.chat('open up');
  await session.command('open', ['sesame']);
  assert.deepEqual(session.messages.slice(1), ['Not quite.', 'Not quite.']);
  assert.equal(session.completed, undefined);
  await session.chat('let me in');
  assert.deepEqual(session.completed, { type: 'accept' });

  assert.deepEqual(await g.command('wcaps-msg', ['Ann', 'hello', 'there']), ['sent to Ann']);
  assert.deepEqual(ann.sent, [{ kind: 'message', text: 'hello there' }]);

  assert.deepEqual(await g.command('wcaps-ban', ['Griefer']), ['refused: unsupported: no ban service: the ban plugin is not loaded']);
  const banned = new Set<string>();
  g.ctx.services.provide('ban' as never, {
    ban: async (t: { value: string }) => void banned.add(t.value),
    unban: async () => undefined,
    get: () => undefined,
    isBanned: (q: { username?: string }) => banned.has(q.username ?? ''),
  } as never);
  assert.deepEqual(await g.command('wcaps-ban', ['Griefer', 'spam']), ['banned Griefer: true']);

  g.ctx.services.provide('server-manager', {
    servers: () => ['lobby'],
    state: (id: string) => (id === 'lobby' ? 'sleeping' : undefined),
    describe: () => undefined,
    start: async () => ({ ok: true, state: 'starting' }),
    stop: async () => ({ ok: true, state: 'stopping' }),
    onStateChange: () => () => undefined,
  });
  assert.deepEqual(await g.command('wcaps-state', ['lobby']), ['state of lobby: sleeping']);
  assert.deepEqual(await g.command('wcaps-state', ['hub']), ['refused: not-found: server "hub" is not managed']);
});

test('loadGuest refuses a component whose imports the grants do not cover', { skip: NO_WASM_TOOLCHAIN }, async () => {
  await assert.rejects(loadGuest(CAPS, { grants: ['player-write'] }), { code: 'IR_ERR_WASM_CAPABILITY', message: /grant it with/ });
});

test('plugin new --wasm + plugin build give a component whose own template test passes', { skip: NO_WASM_TOOLCHAIN }, async () => {
  // Inside the repository, so `infrarust/sdk/testing` resolves as it does in an install.
  const root = join(REPO, '.work', `wasm-testkit-${process.pid}`);
  await mkdir(root, { recursive: true });
  cleanup.push(() => rm(root, { recursive: true, force: true }));
  const t0 = performance.now();
  const dir = await scaffoldWasmPlugin('hello', root);
  const t1 = performance.now();
  const built = await buildWasmPlugin(dir);
  console.log(`# plugin new --wasm: ${Math.round(t1 - t0)} ms; plugin build: ${Math.round(built.ms)} ms (${Math.round(built.bytes / 1024)} KiB)`);
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT; // else the child reports to this runner instead of printing TAP
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', 'index.test.ts'], { cwd: dir, encoding: 'utf8', timeout: 120_000, env });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /# pass 3/);
  assert.match(run.stdout, /# skipped 0/);
  assert.equal(built.typesUpdated, false);

  // An opt-in added to plugin.json: the next build regenerates types/ for it, once.
  const manifestFile = join(dir, 'plugin.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { capabilities: string[] };
  await writeFile(manifestFile, JSON.stringify({ ...manifest, capabilities: ['player-write'] }, null, 2));
  assert.equal((await buildWasmPlugin(dir)).typesUpdated, true);
  assert.match(await readFile(join(dir, 'types', 'interfaces', 'infrarust-plugin-player-write.d.ts'), 'utf8'), /export function sendMessage/);
  assert.equal((await buildWasmPlugin(dir)).typesUpdated, false);
});
