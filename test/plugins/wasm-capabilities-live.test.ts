// The opt-in capabilities of WASM guests, end to end with real minecraft-protocol clients through
// the real proxy (offline mode, so sessions are intercepted). The committed wasm-caps fixture
// (test/plugins/fixtures/wasm-caps, written with the template's guest library) is granted
// player-write, ban, server-manage, codec-filter and limbo:
// - codec-filter: its batched filter rewrites a 1.12.2 client's chat packet ("shout hi" reaches
//   the backend as "HI (via wasm)") and drops "drop me";
// - limbo: its handler holds a real client in limbo with a message, and lets it through to the
//   backend when the client says "let me in";
// - player-write: a console command sends a connected client a chat message;
// - ban: a console command bans a name through the ban plugin's service (the connected player is
//   kicked, and cannot join again);
// - server-manage: with no server-manager plugin loaded the guest is told `unsupported`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type mc from 'minecraft-protocol';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join as joinServer, KickError } from '../helpers/client.ts';
import { nextChat, onPlayerChat } from '../helpers/play-peer.ts';
import { NO_WASM_TOOLCHAIN } from './wasm-skip.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/wasm-caps', import.meta.url));
const VERSION = '1.12.2';
/** The serverbound chat packet of 1.12.2 (minecraft-data: play toServer 0x02 "chat"). */
const CHAT_ID = 0x02;

let root: string;
let backend: Backend;
let harness: Harness;
const lines = new Map<string, string[]>();

before(async () => {
  if (NO_WASM_TOOLCHAIN) return;
  root = await mkdtemp(join(tmpdir(), 'infrarust-wasm-live-'));
  await cp(FIXTURE, join(root, 'plugins', 'wasm-caps'), { recursive: true });
  backend = await startBackend({ version: VERSION });
  backend.server.on('playerJoin', (client: mc.ServerClient) => {
    const mine: string[] = [];
    lines.set(client.username, mine);
    onPlayerChat(client, (line) => mine.push(line));
  });
  harness = await startProxy({
    builtins: ['ban'],
    captureLogs: 'info',
    global: [
      `plugins_dir = ${JSON.stringify(join(root, 'plugins'))}`,
      '[ban]',
      `file = ${JSON.stringify(join(root, 'bans.json'))}`,
      '[plugins.wasm-caps]',
      'permissions = ["player-write", "ban", "server-manage", "codec-filter", "limbo"]',
      `chat_ids = [${CHAT_ID}]`,
    ].join('\n'),
    servers: {
      caps: serverToml(['caps.test'], [backend.port], 'proxy_mode = "offline"'),
      gated: serverToml(['gated.test'], [backend.port], 'proxy_mode = "offline"\nlimbo_handlers = ["wasm-gate"]'),
    },
  });
});

after(async () => {
  await harness?.stop();
  await backend?.close();
  if (root !== undefined) await rm(root, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function console(name: string, ...args: string[]): Promise<string[]> {
  const replies: string[] = [];
  const ran = await harness.host!.layers.registries.commands.get(name)!.execute({ reply: (s: string) => replies.push(s), hasPermission: () => true }, args);
  void ran;
  return replies;
}

function end(client: mc.Client): void {
  if (!(client as unknown as { ended: boolean }).ended) client.end();
}

test('the guest with every opt-in granted loads', { skip: NO_WASM_TOOLCHAIN }, () => {
  const p = harness.host!.list().find((x) => x.id === 'wasm-caps');
  assert.equal(p?.state, 'loaded', p?.error);
});

test('codec-filter: the guest rewrites and drops a real client\'s chat packets; the backend sees the result', { skip: NO_WASM_TOOLCHAIN }, async (t) => {
  const { client } = await joinServer({ port: harness.port, domain: 'caps.test', version: VERSION, username: 'Chatter', keep: true });
  t.after(() => end(client));
  client.chat('shout hello there');
  client.chat('drop me');
  client.chat('just a line');
  await until('the last line at the backend', () => lines.get('Chatter')?.includes('just a line') === true);
  assert.deepEqual(lines.get('Chatter'), ['HELLO THERE (via wasm)', 'just a line']);
});

test('limbo: the guest holds a real client with a message and lets it through on a chat line', { skip: NO_WASM_TOOLCHAIN }, async (t) => {
  const welcome: Promise<string>[] = [];
  const { client } = await joinServer({
    port: harness.port, domain: 'gated.test', version: VERSION, username: 'Held', keep: true,
    onClient: (c) => welcome.push(nextChat(c, 'say "let me in"')),
  });
  t.after(() => end(client));
  assert.match(await welcome[0], /Welcome Held: say "let me in"/);
  assert.ok(!backend.joined.includes('Held'), 'held in limbo: the backend has not seen the player');
  const notQuite = nextChat(client, 'Not quite.');
  client.chat('open up');
  await notQuite;
  const reached = new Promise<void>((resolve) => client.once('login', () => resolve()));
  client.chat('let me in');
  await reached;
  await until('the backend to see Held', () => backend.joined.includes('Held'));
});

test('player-write: a guest command sends a connected real client a message', { skip: NO_WASM_TOOLCHAIN }, async (t) => {
  const { client } = await joinServer({ port: harness.port, domain: 'caps.test', version: VERSION, username: 'Reader', keep: true });
  t.after(() => end(client));
  const got = nextChat(client, 'from the guest');
  assert.deepEqual(await console('wcaps-msg', 'Reader', 'hello', 'from the guest'), ['sent to Reader']);
  assert.equal(await got, 'hello from the guest');
  assert.deepEqual(await console('wcaps-msg', 'Nobody', 'x'), ['no player Nobody']);
});

test('ban: the guest bans a name through the ban plugin; the connected player is kicked and cannot return', { skip: NO_WASM_TOOLCHAIN }, async () => {
  const { client } = await joinServer({ port: harness.port, domain: 'caps.test', version: VERSION, username: 'Griefer', keep: true });
  const kicked = new Promise<string>((resolve) => client.once('end', (reason: string) => resolve(String(reason))));
  assert.deepEqual(await console('wcaps-ban', 'Griefer', 'griefing'), ['banned Griefer: true']);
  await kicked;
  const service = harness.host!.layers.registries.services.get('ban') as { get(t: { type: string; value: string }): { reason: string | null; source: string } | undefined };
  const entry = service.get({ type: 'username', value: 'Griefer' });
  assert.equal(entry?.reason, 'griefing');
  assert.equal(entry?.source, 'plugin:wasm-caps');
  await assert.rejects(joinServer({ port: harness.port, domain: 'caps.test', version: VERSION, username: 'Griefer' }), (err: unknown) => {
    assert.ok(err instanceof KickError, String(err));
    assert.match(err.reason, /griefing/);
    return true;
  });
  assert.deepEqual(await console('wcaps-unban', 'Griefer'), ['unbanned Griefer: true']);
  assert.deepEqual(await console('wcaps-unban', 'Griefer'), ['unbanned Griefer: false']);
  assert.deepEqual(await console('wcaps-ban', ''), ['refused: invalid-argument: ban-target username must be 1-256 characters']);
});

test('server-manage: without the server-manager plugin the guest is told unsupported', { skip: NO_WASM_TOOLCHAIN }, async () => {
  assert.deepEqual(await console('wcaps-state', 'caps'), ['refused: unsupported: no server manager: the server-manager plugin is not loaded']);
});
