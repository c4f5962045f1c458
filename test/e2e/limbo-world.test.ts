// The limbo's void world with real minecraft-protocol clients of every era: a test-only server
// built from the kernel's pieces (handshake, Login Start, Set Compression, Login Success, then
// sendLimboWorld, startKeepAlive and readLimboPackets; no proxy, no backend) holds each client.
// It reaches play, gets its position and spawn position, stays ~3 s with keepalives (every
// 250 ms here) answered, and its chat line and command reach the callback. A client that stops
// answering keepalives is disconnected with IR_ERR_LIMBO_KEEPALIVE_TIMEOUT.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import mc from 'minecraft-protocol';
import { InfrarustError } from '../../kernel/errors.ts';
import { PacketConn } from '../../kernel/net/packet-conn.ts';
import { decodeHandshake } from '../../kernel/protocol/packets/handshake.ts';
import { decodeLoginStart } from '../../kernel/protocol/packets/login.ts';
import { encodeLoginSuccess, encodeSetCompression } from '../../kernel/protocol/packets/login-success.ts';
import { offlineUuid } from '../../kernel/protocol/uuid.ts';
import { sendLimboWorld } from '../../kernel/limbo/world.ts';
import { startKeepAlive } from '../../kernel/limbo/keep-alive.ts';
import { readLimboPackets, type LimboChat } from '../../kernel/limbo/limbo-reader.ts';

const VERSIONS = (process.env.VERSIONS ?? '1.7,1.8.8,1.12.2,1.16.5,1.19.4,1.20.1,1.20.4,1.21.4,1.21.11,26.1').split(',');
/** These join without compression, the others with a threshold of 256. */
const UNCOMPRESSED = new Set(['1.12.2', '1.20.1']);
const STAY_MS = 3000;

interface Held { protocol: number; chats: LimboChat[]; answers: number; timeout?: InfrarustError }
const held = new Map<string, Held>();
let server: Server;
let port: number;

async function hold(socket: Socket): Promise<void> {
  const conn = new PacketConn(socket, { validateCompression: true, peer: 'client' });
  const handshake = decodeHandshake(await conn.read(5000, 'handshake'));
  const protocol = handshake.protocolVersion;
  const { name } = decodeLoginStart(await conn.read(5000, 'Login Start'), protocol);
  if (protocol >= 47 && !name.startsWith('Raw')) {
    conn.send(encodeSetCompression(256));
    conn.threshold = 256;
  }
  conn.send(encodeLoginSuccess({ uuid: offlineUuid(name), name, properties: [] }, protocol));
  if (protocol >= 764) await conn.read(5000, 'Login Acknowledged');
  await sendLimboWorld(conn, protocol, protocol >= 764 ? 'configuration' : 'play');
  const player: Held = { protocol, chats: [], answers: 0 };
  held.set(name, player);
  const keepAlive = startKeepAlive(conn, protocol, {
    intervalMs: 250,
    timeoutMs: name.startsWith('Silent') ? 600 : 2000,
    onTimeout: (err) => (player.timeout = err),
  });
  const counted = { stop: keepAlive.stop, answer: (p: Buffer) => (keepAlive.answer(p) ? (player.answers++, true) : false) };
  readLimboPackets(conn, protocol, { onChat: (chat) => player.chats.push(chat), keepAlive: counted });
  conn.onEnd = () => keepAlive.stop();
}

before(async () => {
  server = createServer((socket) => {
    socket.on('error', () => undefined);
    hold(socket).catch(() => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const nameOf = (prefix: string, version: string): string => `${prefix}${version.replace(/\./g, '_')}`;

/** Client-side errors (a packet minecraft-protocol could not parse included), by username. */
const clientErrors: string[] = [];

function connect(version: string, username: string): mc.Client {
  const client = mc.createClient({ host: '127.0.0.1', port, version, username, auth: 'offline', hideErrors: true, validateChannelProtocol: false } as mc.ClientOptions);
  client.on('error', (err: Error) => {
    clientErrors.push(`${username}: ${err.message}`);
  });
  return client;
}

function once<T>(client: mc.Client, event: string, what: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${client.username}: no ${what} within ${timeoutMs} ms`)), timeoutMs);
    client.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function stayInLimbo(version: string): Promise<void> {
  const username = nameOf(UNCOMPRESSED.has(version) ? 'Raw' : 'Limbo', version);
  const client = connect(version, username);
  const ended: string[] = [];
  client.on('end', (reason: string) => {
    ended.push(reason);
  });
  const spawn = once<{ location: { y: number } } | { globalPos: { location: { y: number } } }>(client, 'spawn_position', 'spawn position');
  const position = once<{ y: number }>(client, 'position', 'position');
  assert.equal((await position).y, version === '1.7' || version === '1.8.8' ? 64 : 400, version);
  const spawned = await spawn;
  assert.ok('location' in spawned || 'globalPos' in spawned, version);
  await new Promise((r) => setTimeout(r, 200));
  client.chat(`hello from ${version}`);
  client.chat(`/login secret ${version}`);
  const player = held.get(username)!;
  await waitFor(() => player.chats.length >= 2, `${version}: chat at the callback`);
  assert.deepEqual(player.chats.map((c) => [c.text, c.command]), [[`hello from ${version}`, false], [`login secret ${version}`, true]], version);
  await new Promise((r) => setTimeout(r, STAY_MS));
  assert.ok(player.answers >= 5, `${version}: ${player.answers} keepalives answered`);
  assert.equal(player.timeout, undefined, version);
  assert.deepEqual(ended, [], version);
  assert.deepEqual(clientErrors.filter((e) => e.startsWith(username)), [], version);
  client.end();
}

test(`clients of ${VERSIONS.join(', ')} reach play in the void world, stay ${STAY_MS} ms with keepalives answered, and their chat reaches the callback`, async () => {
  const results = await Promise.allSettled(VERSIONS.map(stayInLimbo));
  const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${VERSIONS[i]}: ${(r.reason as Error).message}`] : []));
  assert.deepEqual(failed, []);
});

test('a client that stops answering keepalives is disconnected with a reason', async () => {
  for (const version of ['1.8.8', '1.21.4']) {
    const username = nameOf('Silent', version);
    const client = connect(version, username);
    await once(client, 'position', 'position');
    client.removeAllListeners('keep_alive');
    const kicked = await once<{ reason: string }>(client, 'kick_disconnect', 'disconnect', 5000);
    assert.match(JSON.stringify(kicked.reason), /Timed out/, version);
    assert.equal(held.get(username)!.timeout?.code, 'IR_ERR_LIMBO_KEEPALIVE_TIMEOUT', version);
    client.end();
  }
});
