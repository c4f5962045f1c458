// Limbo handler chains with real minecraft-protocol clients: a test-only server built from the
// kernel's pieces (as limbo-world.test.ts: handshake, Login Start, Set Compression, Login
// Success, then runLimboChain; no proxy, no backend) runs the chain the username asks for.
// - Hold… (1.8.8, 1.20.4, 1.21.4): the `auth` handler holds, shows a title and an action bar, and
//   completes with accept when the client types `/login secret`; `/ping` is a proxy command the
//   handler never sees. The chain's outcome is accept with the world sent.
// - Pass…: an accept-only chain never renders the world (no Join Game reaches the client).
// - Deny…: the client is kicked with the handler's reason (login just finished: play on 1.8,
//   configuration on 1.20.2+).
// - Wait… / Late…: holds with a timeout that accepts / denies; Boom…: a throwing handler denies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import mc from 'minecraft-protocol';
import { PacketConn } from '../../kernel/net/packet-conn.ts';
import { decodeHandshake } from '../../kernel/protocol/packets/handshake.ts';
import { decodeLoginStart } from '../../kernel/protocol/packets/login.ts';
import { encodeLoginSuccess, encodeSetCompression } from '../../kernel/protocol/packets/login-success.ts';
import { encodeDisconnect } from '../../kernel/protocol/packets/disconnect.ts';
import { offlineUuid } from '../../kernel/protocol/uuid.ts';
import { NamedRegistry } from '../../kernel/layers/registries.ts';
import { runLimboChain, type ChainLog, type ChainOutcome } from '../../kernel/limbo/handler-chain.ts';
import type { LimboHandler } from '../../sdk/limbo.ts';
import { accept, hold, holdWithTimeout } from '../../sdk/limbo.ts';
import { deny } from '../../sdk/results.ts';

const HOLD_VERSIONS = ['1.8.8', '1.20.4', '1.21.4'];
const CHAINS: Record<string, string[]> = { Hold: ['pass', 'auth'], Pass: ['pass', 'pass2'], Deny: ['pass', 'bouncer'], Wait: ['waiter'], Late: ['late'], Boom: ['pass', 'boom'] };

const registry = new NamedRegistry<LimboHandler>('limbo handler');
const commandsSeen: string[] = [];
const proxyCommands: string[] = [];
const outcomes = new Map<string, ChainOutcome>();
const silent = { info: () => undefined, warn: () => undefined, error: () => undefined } as unknown as ChainLog;
let server: Server;
let port: number;

registry.add('test#1', ['pass'], { name: 'pass', onPlayerEnter: () => accept() });
registry.add('test#1', ['pass2'], { name: 'pass2', onPlayerEnter: () => accept() });
registry.add('test#1', ['bouncer'], { name: 'bouncer', onPlayerEnter: (s) => deny(`§cNo entry for ${s.player.username}`) });
registry.add('test#1', ['waiter'], { name: 'waiter', onPlayerEnter: () => holdWithTimeout(300, 'accept') });
registry.add('test#1', ['late'], { name: 'late', onPlayerEnter: () => holdWithTimeout(200, 'deny', 'Too late') });
registry.add('buggy#1', ['boom'], { name: 'boom', onPlayerEnter: () => { throw new Error('kaboom'); } });
registry.add('auth#1', ['auth'], {
  name: 'auth',
  onPlayerEnter(session) {
    session.sendTitle('§6Login', 'type /login <password>', { fadeIn: 5, stay: 60, fadeOut: 5 });
    setTimeout(() => session.sendActionBar('§eWaiting for /login'), 300);
    return hold();
  },
  onCommand(session, command, args) {
    commandsSeen.push(`${session.player.username}:${command} ${args.join(' ')}`);
    if (command === 'login' && args[0] === 'secret') session.complete(accept());
  },
});

async function serve(socket: Socket): Promise<void> {
  const conn = new PacketConn(socket, { validateCompression: true, peer: 'client' });
  const protocol = decodeHandshake(await conn.read(5000, 'handshake')).protocolVersion;
  const { name } = decodeLoginStart(await conn.read(5000, 'Login Start'), protocol);
  conn.send(encodeSetCompression(256));
  conn.threshold = 256;
  const uuid = offlineUuid(name);
  conn.send(encodeLoginSuccess({ uuid, name, properties: [] }, protocol));
  const clientState = protocol >= 764 ? 'configuration' : 'play';
  if (clientState === 'configuration') await conn.read(5000, 'Login Acknowledged');
  const outcome = await runLimboChain({
    client: conn,
    protocol,
    clientState,
    handlers: CHAINS[name.replace(/\d.*$/, '').replace(/_.*$/, '')] ?? [],
    registry,
    player: { connectionId: 1, username: name, uuid, remoteAddress: '127.0.0.1', protocolVersion: protocol, profile: undefined, verified: false },
    entry: { type: 'initial', serverId: 'lobby' },
    log: silent,
    onCommand: (line) => (proxyCommands.push(line), line === 'ping'),
    keepAlive: { intervalMs: 250, timeoutMs: 2000 },
  });
  outcomes.set(name, outcome);
  const state = outcome.type !== 'closed' && outcome.worldSent ? 'play' : clientState;
  const reason = outcome.type === 'deny' ? outcome.reason : `outcome ${outcome.type}`;
  const kick = encodeDisconnect(protocol, state, reason);
  if (kick) conn.send(kick);
  conn.end(1000);
}

before(async () => {
  server = createServer((socket) => {
    socket.on('error', () => undefined);
    serve(socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface Seen { packets: string[]; kick: Promise<string>; client: mc.Client }

function connect(version: string, username: string): Seen {
  const client = mc.createClient({ host: '127.0.0.1', port, version, username, auth: 'offline', hideErrors: true, validateChannelProtocol: false } as mc.ClientOptions);
  client.on('error', () => undefined);
  const packets: string[] = [];
  const kick = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${username}: no disconnect within 10 s (saw ${packets.join(', ')})`)), 10_000);
    client.on('packet', (data: { reason?: unknown; position?: number }, meta: { name: string }) => {
      packets.push(meta.name === 'chat' && data.position === 2 ? 'action_bar' : meta.name);
      if (meta.name === 'kick_disconnect' || meta.name === 'disconnect') {
        clearTimeout(timer);
        resolve(JSON.stringify(data.reason));
      }
    });
  });
  return { packets, kick, client };
}

const nameOf = (prefix: string, version: string): string => `${prefix}_${version.replace(/\./g, '_')}`;

async function waitFor(check: () => boolean, what: string, timeoutMs = 8000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function holdAndLogin(version: string): Promise<void> {
  const username = nameOf('Hold', version);
  const seen = connect(version, username);
  await waitFor(() => seen.packets.includes('action_bar'), `${version}: the action bar`);
  assert.ok(seen.packets.includes('title') || seen.packets.includes('set_title_text'), `${version}: a title (saw ${seen.packets.join(', ')})`);
  seen.client.chat('/ping');
  seen.client.chat('/login wrong');
  seen.client.chat('/login secret');
  assert.match(await seen.kick, /outcome accept/, version);
  assert.deepEqual(outcomes.get(username), { type: 'accept', worldSent: true }, version);
  assert.deepEqual(commandsSeen.filter((c) => c.startsWith(username)), [`${username}:login wrong`, `${username}:login secret`], version);
  seen.client.end();
}

test(`clients of ${HOLD_VERSIONS.join(', ')} held by a handler see a title and an action bar, and /login completes the hold`, async () => {
  const results = await Promise.allSettled(HOLD_VERSIONS.map(holdAndLogin));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${HOLD_VERSIONS[i]}: ${(r.reason as Error).message}`] : []));
  assert.deepEqual(failed, []);
  assert.equal(proxyCommands.filter((c) => c === 'ping').length, HOLD_VERSIONS.length, 'proxy commands first');
});

test('an accept-only chain never renders the world', async () => {
  for (const version of ['1.8.8', '1.21.4']) {
    const username = nameOf('Pass', version);
    const seen = connect(version, username);
    assert.match(await seen.kick, /outcome accept/, version);
    assert.deepEqual(outcomes.get(username), { type: 'accept', worldSent: false }, version);
    assert.ok(!seen.packets.includes('login') && !seen.packets.includes('registry_data'), `${version}: ${seen.packets.join(', ')}`);
    seen.client.end();
  }
});

test('a deny kicks the client with the handler reason', async () => {
  for (const version of ['1.8.8', '1.20.4', '1.21.4']) {
    const username = nameOf('Deny', version);
    const seen = connect(version, username);
    assert.match(await seen.kick, new RegExp(`No entry for ${username}`), version);
    assert.equal(outcomes.get(username)?.type, 'deny', version);
    seen.client.end();
  }
});

test('a hold with a timeout that accepts lets the player through after the timeout', async () => {
  const username = nameOf('Wait', '1.21.4');
  const started = Date.now();
  const seen = connect('1.21.4', username);
  assert.match(await seen.kick, /outcome accept/);
  assert.ok(Date.now() - started >= 300);
  assert.deepEqual(outcomes.get(username), { type: 'accept', worldSent: true });
  assert.ok(seen.packets.includes('login'), 'the world was rendered for the hold');
  seen.client.end();
});

test('a hold with a timeout that denies, and a throwing handler, kick the client with a reason', async () => {
  const late = connect('1.20.4', nameOf('Late', '1.20.4'));
  assert.match(await late.kick, /Too late/);
  assert.deepEqual(outcomes.get(nameOf('Late', '1.20.4')), { type: 'deny', reason: 'Too late', worldSent: true });
  const boom = connect('1.21.4', nameOf('Boom', '1.21.4'));
  assert.match(await boom.kick, /internal error/);
  assert.equal(outcomes.get(nameOf('Boom', '1.21.4'))?.type, 'deny');
  late.client.end();
  boom.client.end();
});
