// The plugin layers on intercepted sessions, end to end: real minecraft-protocol clients join real
// backends through the proxy in `offline` mode, on two chat eras (1.12.2: legacy JSON chat, one
// `chat` packet both ways; 1.21.4: signed-chat packets, NBT components), with a passthrough
// server for contrast. A fixture plugin (fixtures/intercepted-plugins/intercepted-probe, sdk
// only) registers a codec filter per side, ChatMessage / CommandExecute listeners, a player
// command and a RawPacket listener; the test drives it by what the players type and the backends
// answer. The Player API is driven through ctx.proxy as plugins see it, the console's commands
// through ctx.commands.run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { EventEmitter } from 'node:events';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { nextChat, onPlayerChat, sendSystemChat } from '../helpers/play-peer.ts';
import type { ProbeService } from './fixtures/intercepted-plugins/intercepted-probe/api.ts';

const require = createRequire(import.meta.url);
/** plugins_dir: only the probe fixture. */
const PLUGINS_DIR = fileURLToPath(new URL('./fixtures/intercepted-plugins', import.meta.url));
/** The chat eras; 1.16.5 only joins for the command tree (the last 1.13-1.18 tree format before 1.19). */
const ERAS = ['1.12.2', '1.21.4'] as const;
const VERSIONS = [...ERAS, '1.16.5'];

interface Peer {
  backend: Backend;
  protocol: number;
  /** Lines (chat and commands) the backend received, per player. */
  lines: Map<string, string[]>;
}
const peers = new Map<string, Peer>();
let proxy: Harness;

const slug = (v: string): string => v.replace(/\./g, '_');
const domain = (v: string): string => `off.${v}.test`;

/** Packet ids by name for a version's play state, from minecraft-data (keyed by protocol). */
function playIds(version: string): { protocol: number; sb: Record<string, number>; cb: Record<string, number> } {
  const data = require('minecraft-data')(version);
  const map = (dir: 'toServer' | 'toClient'): Record<string, number> => {
    const mappings = data.protocol.play[dir].types.packet[1][0].type[1].mappings as Record<string, string>;
    return Object.fromEntries(Object.entries(mappings).map(([hex, name]) => [name, Number(hex)]));
  };
  return { protocol: data.version.version, sb: map('toServer'), cb: map('toClient') };
}

/** `[plugins.intercepted-probe]`: the chat ids per protocol, and the one packet RawPacket selects. */
function probeConfig(): string {
  const sb: string[] = [];
  const cb: string[] = [];
  for (const v of VERSIONS) {
    const { protocol, sb: s, cb: c } = playIds(v);
    sb.push(`"${protocol}" = ${s.chat_message ?? s.chat}`);
    cb.push(`"${protocol}" = ${c.system_chat ?? c.chat}`);
  }
  const raw = playIds('1.21.4');
  return [
    '[plugins.intercepted-probe]',
    `serverbound_chat = { ${sb.join(', ')} }`,
    `clientbound_system_chat = { ${cb.join(', ')} }`,
    `raw_protocol = ${raw.protocol}`,
    `raw_packet_id = ${raw.sb.chat_message}`,
  ].join('\n');
}

/** A tree with one backend command, sent when the player asks (1.13+), for the proxy to add to. */
function sendCommandTree(client: mc.ServerClient): void {
  client.write('declare_commands', {
    nodes: [
      { flags: { unused: 0, has_custom_suggestions: 0, has_redirect_node: 0, has_command: 0, command_node_type: 0 }, children: [1] },
      { flags: { unused: 0, has_custom_suggestions: 0, has_redirect_node: 0, has_command: 1, command_node_type: 1 }, children: [], extraNodeData: { name: 'backendcmd' } },
    ],
    rootIndex: 0,
  });
}

before(async () => {
  const servers: Record<string, string> = {};
  for (const version of VERSIONS) {
    const backend = await startBackend({ version });
    const peer: Peer = { backend, protocol: playIds(version).protocol, lines: new Map() };
    backend.server.on('playerJoin', (client: mc.ServerClient) => {
      const lines: string[] = [];
      peer.lines.set(client.username, lines);
      onPlayerChat(client, (line) => {
        lines.push(line);
        if (line === 'send me your commands') sendCommandTree(client);
        if (line === 'tell me the secret') {
          sendSystemChat(client, 'the secret is 42');
          sendSystemChat(client, 'and that was all');
        }
      });
    });
    peers.set(version, peer);
    servers[`off-${slug(version)}`] = serverToml([domain(version)], [backend.port], 'proxy_mode = "offline"');
  }
  servers.pass = serverToml(['pass.test'], [peers.get('1.21.4')!.backend.port]);
  proxy = await startProxy({
    servers,
    builtins: ['console'],
    global: [
      `plugins_dir = "${PLUGINS_DIR}"`,
      '[permissions]',
      'admins = ["IrAdmin"]',
      'trust_offline_admins = true',
      '[plugins.console]',
      'interactive = false',
      probeConfig(),
    ].join('\n'),
  });
});

after(async () => {
  await proxy?.stop();
  for (const p of peers.values()) await p.backend.close();
});

function probe(): ProbeService {
  assert.deepEqual(proxy.api.plugins().map((p) => p.id).sort(), ['console', 'intercepted-probe']);
  const service = proxy.proxy.layers.registries.services.get('intercepted-probe') as ProbeService | undefined;
  assert.ok(service !== undefined, 'the intercepted-probe fixture plugin is loaded');
  return service;
}

/** Joins an intercepted (offline) server of `version`; ended after the test. */
async function player(t: { after(fn: () => void): void }, version: string, username: string): Promise<mc.Client> {
  const { client } = await join({ port: proxy.port, domain: domain(version), version, username, keep: true });
  t.after(() => endClient(client));
  return client;
}

/** Ends a client that is still connected (minecraft-protocol's end() on a closed one leaves a 30 s timer behind). */
function endClient(client: mc.Client): void {
  if (!(client as unknown as { ended: boolean }).ended) client.end();
}

async function until(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What the backend got from `username`, once `marker` (sent last, in order) arrived. */
async function backendLines(version: string, username: string, client: mc.Client, marker: string): Promise<string[]> {
  client.chat(marker);
  const peer = peers.get(version)!;
  await until(`${marker} at the ${version} backend`, () => peer.lines.get(username)?.includes(marker) === true);
  return peer.lines.get(username)!;
}

/** The first `name` packet that passes `match`. */
function nextPacket<T>(client: mc.Client, name: string, match: (p: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
  const emitter = client as unknown as EventEmitter;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.removeListener(name, listener);
      reject(new Error(`no ${name} packet within ${timeoutMs} ms`));
    }, timeoutMs);
    function listener(p: T): void {
      if (!match(p)) return;
      clearTimeout(timer);
      emitter.removeListener(name, listener);
      resolve(p);
    }
    emitter.on(name, listener);
  });
}

/** Plain text of a component as minecraft-protocol hands it over: JSON text, NBT, or a § string. */
function plain(value: unknown): string {
  if (typeof value === 'string') {
    try {
      return plain(JSON.parse(value) as unknown);
    } catch {
      return value.replace(/§./g, '');
    }
  }
  if (value === null || typeof value !== 'object') return value === undefined || value === null ? '' : String(value);
  if (Array.isArray(value)) return value.map(plain).join('');
  const o = value as Record<string, unknown>;
  if (typeof o.type === 'string' && 'value' in o) return plain(nbtValue(o));
  return plain(o.text ?? '') + plain(o.extra ?? []);
}

/** A prismarine-nbt tag as plain JS. */
function nbtValue(tag: Record<string, unknown>): unknown {
  const v = tag.value as Record<string, unknown>;
  if (tag.type === 'compound') return Object.fromEntries(Object.entries(v).map(([k, t]) => [k, nbtValue(t as Record<string, unknown>)]));
  if (tag.type === 'list') return ((v as { value: unknown[]; type: string }).value).map((x) => nbtValue({ type: (v as { type: string }).type, value: x }));
  return v;
}

for (const version of ERAS) {
  test(`${version}: a codec filter rewrites the client's chat; another drops the backend's "secret" line and the next line arrives`, async (t) => {
    const username = `Codec${slug(version)}`;
    const client = await player(t, version, username);
    client.chat('please rewrite-me now');
    const secretSeen: string[] = [];
    client.on('systemChat', (m: { formattedMessage?: string }) => { if (plain(m.formattedMessage).includes('secret')) secretSeen.push(plain(m.formattedMessage)); });
    const next = nextChat(client, 'and that was all');
    client.chat('tell me the secret');
    assert.equal(await next, 'and that was all');
    assert.deepEqual(secretSeen, [], 'the dropped line never reached the client');
    const lines = await backendLines(version, username, client, 'codec marker');
    assert.ok(lines.includes('please rewritten by codec now'), `backend got the rewritten line (got ${JSON.stringify(lines)})`);
    assert.ok(!lines.some((l) => l.includes('rewrite-me')));
  });

  test(`${version}: ChatMessage modify reaches the backend modified; deny drops the line and tells the player`, async (t) => {
    const username = `Chat${slug(version)}`;
    const client = await player(t, version, username);
    client.chat('modify me please');
    const reason = nextChat(client, 'forbidden here');
    client.chat('forbidden words');
    assert.equal(await reason, 'That word is forbidden here');
    const lines = await backendLines(version, username, client, 'chat marker');
    assert.deepEqual(lines, ['modified by event', 'chat marker']);
  });

  test(`${version}: a player command runs at the proxy; CommandExecute deny drops a command; unknown commands reach the backend`, async (t) => {
    const username = `Cmd${slug(version)}`;
    const client = await player(t, version, username);
    const answer = nextChat(client, 'probe answered');
    client.chat('/probe one two');
    assert.equal(await answer, 'probe answered one two');
    const denied = nextChat(client, 'Blocked by the probe');
    client.chat('/blocked stuff');
    await denied;
    client.chat('/unknowncmd a b');
    const lines = await backendLines(version, username, client, 'cmd marker');
    assert.deepEqual(lines, ['/unknowncmd a b', 'cmd marker']);
  });

  test(`${version}: /ir version is refused for a player who is not an admin, and the backend never sees it`, async (t) => {
    const normal = await player(t, version, `Plain${slug(version)}`);
    const refused = nextChat(normal, 'infrarust.command.version');
    normal.chat('/ir version');
    assert.match(await refused, /lack the permission infrarust\.command\.version/);
    const lines = await backendLines(version, `Plain${slug(version)}`, normal, 'ir marker');
    assert.deepEqual(lines, ['ir marker'], 'the backend never saw /ir');
  });

  test(`${version}: the Player API sends chat, title, action bar and boss bar, and kicks with a message`, async (t) => {
    const username = `Api${slug(version)}`;
    const client = await player(t, version, username);
    const p = proxy.api.player(username);
    assert.ok(p !== undefined && p.mode === 'intercepted', 'the player is listed as intercepted');
    assert.equal(p.protocolVersion, peers.get(version)!.protocol);

    const chat = nextChat(client, 'hello from the api');
    assert.deepEqual(p.sendMessage('§ahello from the api'), { ok: true });
    assert.equal(await chat, 'hello from the api');

    const modern = version !== '1.12.2';
    type Title = { action?: number; text: unknown };
    const title = modern ? nextPacket<Title>(client, 'set_title_text') : nextPacket<Title>(client, 'title', (x) => x.action === 0);
    assert.deepEqual(p.sendTitle('§6Big title', '§7small'), { ok: true });
    assert.equal(plain((await title).text), 'Big title');

    const bar = modern ? nextPacket<Title>(client, 'action_bar') : nextPacket<Title>(client, 'title', (x) => x.action === 2);
    assert.deepEqual(p.sendActionBar('§eaction!'), { ok: true });
    assert.equal(plain((await bar).text), 'action!');

    type Boss = { entityUUID: string; action: number; title?: unknown };
    const added = nextPacket<Boss>(client, 'boss_bar', (x) => x.action === 0);
    const shown = p.showBossBar({ title: '§dBoss', progress: 0.5, color: 'red' });
    assert.ok(!('ok' in shown), `a boss bar was shown (${JSON.stringify(shown)})`);
    const add = await added;
    assert.equal(plain(add.title), 'Boss');
    const removed = nextPacket<Boss>(client, 'boss_bar', (x) => x.action === 1 && x.entityUUID === add.entityUUID);
    assert.deepEqual(shown.hide(), { ok: true });
    await removed;

    const kicked = nextPacket<{ reason: unknown }>(client, 'kick_disconnect');
    assert.deepEqual(p.kick('§cBye from the api'), { ok: true });
    assert.equal(plain((await kicked).reason), 'Bye from the api');
    await until(`${username} to leave the player list`, () => proxy.api.player(username) === undefined);
    assert.equal(p.sendMessage('too late').ok, false);
  });
}

test('1.21.4: /ir version answers an admin listed in [permissions] admins (offline: trust_offline_admins)', async (t) => {
  const admin = await player(t, '1.21.4', 'IrAdmin');
  const answer = nextChat(admin, 'Infrarust');
  admin.chat('/ir version');
  assert.equal(await answer, `Infrarust ${proxy.api.version}`);
  const lines = await backendLines('1.21.4', 'IrAdmin', admin, 'admin marker');
  assert.deepEqual(lines, ['admin marker']);
});

for (const version of ['1.21.4', '1.16.5']) {
  test(`${version}: the client's command tree gains the plugin command (and /infrarust) next to the backend's`, async (t) => {
    const client = await player(t, version, `Tree${slug(version)}`);
    const tree = nextPacket<{ nodes: { children: number[]; extraNodeData?: { name?: string } }[]; rootIndex: number }>(client, 'declare_commands');
    client.chat('send me your commands');
    const { nodes, rootIndex } = await tree;
    const children = nodes[rootIndex].children.map((i) => nodes[i].extraNodeData?.name);
    for (const name of ['backendcmd', 'probe', 'infrarust', 'ir']) assert.ok(children.includes(name), `root has "${name}" (children: ${JSON.stringify(children)})`);
  });
}

test('players() lists intercepted and passthrough players; a passthrough player answers "passthrough"', async (t) => {
  await player(t, '1.21.4', 'ListedOff');
  const { client: pass } = await join({ port: proxy.port, domain: 'pass.test', version: '1.21.4', username: 'ListedPass', keep: true });
  t.after(() => endClient(pass));
  await until('the passthrough player to be listed', () => proxy.api.player('ListedPass') !== undefined);
  const modes = Object.fromEntries(proxy.api.players().filter((p) => p.username.startsWith('Listed')).map((p) => [p.username, p.mode]));
  assert.deepEqual(modes, { ListedOff: 'intercepted', ListedPass: 'passthrough' });
  const r = proxy.api.player('ListedPass')!.sendMessage('hi');
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.code, 'passthrough');
});

test('console send, msg and broadcast reach intercepted players of both eras; a passthrough player is named', async (t) => {
  const modern = await player(t, '1.21.4', 'ConsoleNew');
  const legacy = await player(t, '1.12.2', 'ConsoleOld');
  const { client: pass } = await join({ port: proxy.port, domain: 'pass.test', version: '1.21.4', username: 'ConsolePass', keep: true });
  t.after(() => endClient(pass));
  await until('the passthrough player to be listed', () => proxy.api.player('ConsolePass') !== undefined);

  const got = nextChat(legacy, 'just for you');
  const sent = await probe().run('send', ['ConsoleOld', '&ajust', 'for', 'you']);
  assert.deepEqual(sent, { found: true, replies: ['sent to ConsoleOld'] });
  assert.equal(await got, 'just for you');

  const whisper = nextChat(modern, 'psst');
  assert.deepEqual(await probe().run('msg', ['ConsoleNew', 'psst']), { found: true, replies: ['sent to ConsoleNew'] });
  assert.equal(await whisper, '[Console] psst');

  const refused = await probe().run('send', ['ConsolePass', 'hello']);
  assert.match(refused.replies[0], /ConsolePass is in passthrough mode/);

  const both = [nextChat(modern, 'hello everyone'), nextChat(legacy, 'hello everyone')];
  const cast = await probe().run('broadcast', ['hello', 'everyone']);
  assert.equal(cast.found, true);
  assert.match(cast.replies[0], /^sent to \d+ players; \d+ in passthrough mode did not get it/);
  assert.deepEqual(await Promise.all(both), ['hello everyone', 'hello everyone']);
});

test('1.21.4: a RawPacket listener selected for serverbound chat fires for that packet only and can drop it', async (t) => {
  const username = 'RawNew';
  const client = await player(t, '1.21.4', username);
  const { sb, protocol } = playIds('1.21.4');
  const mine = () => probe().raw.filter((r) => r.username === username);
  client.chat('rawdrop this');
  client.chat('raw keeps this');
  const lines = await backendLines('1.21.4', username, client, 'raw marker');
  assert.deepEqual(lines, ['raw keeps this', 'raw marker'], 'the dropped line never reached the backend');
  assert.equal(mine().length, 3, `three chat packets seen (${JSON.stringify(mine())})`);
  assert.ok(mine().every((r) => r.packetId === sb.chat_message && r.protocol === protocol), 'only the selected packet');
  // A command is another packet (chat_command): the listener does not see it.
  client.chat('/unknown-raw');
  await backendLines('1.21.4', username, client, 'raw marker 2');
  assert.equal(mine().length, 4, 'only the marker was added, not the command');
});
