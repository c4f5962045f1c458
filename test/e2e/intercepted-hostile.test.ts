// Bad input against intercepted sessions (client_only, offline), spoken by hand over raw sockets:
// broken encryption responses, garbage after encryption starts, a compressed length that lies,
// frames over 2 MiB in each state, backends that send garbage or hang mid-login. Each time that
// one session ends (both its sockets), nothing is buffered without bound, and a real player
// joins normally right after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, KickError, plainText } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startSessionServer, type SessionServer } from '../helpers/session-server.ts';
import { encodeHandshake } from '../../kernel/protocol/packets/handshake.ts';
import { encodeLoginStart } from '../../kernel/protocol/packets/login.ts';
import { packetOf } from '../../kernel/protocol/packets/protocol-versions.ts';
import { encodeFrame, PacketWriter } from '../../kernel/protocol/packet-writer.ts';
import { PacketReader } from '../../kernel/protocol/packet-reader.ts';
import { FrameSplitter } from '../../kernel/protocol/frame-splitter.ts';
import { decodeCompressed, encodeCompressed } from '../../kernel/protocol/compression.ts';
import { createDecryptor, createEncryptor, type StreamCipher } from '../../kernel/protocol/cipher.ts';
import { serverHash } from '../../kernel/protocol/login-keys.ts';
import { writeVarInt } from '../../kernel/protocol/varint.ts';
import { offlineUuid } from '../../kernel/protocol/uuid.ts';

const P1_21_4 = 769;
const P1_12_2 = 340;
const THRESHOLD = 64;
/** A frame length over the 2 MiB limit (a 4-byte VarInt: vanilla's prefix is at most 3). */
const OVERSIZED = writeVarInt(3 * 1024 * 1024);

let session: SessionServer;
let backend: Backend;
let backend112: Backend;
let proxy: Harness;
const raw: RawBackend[] = [];
let garbageBackend: RawBackend;
let hugeFrameBackend: RawBackend;
let hangingBackend: RawBackend;

/** A TCP "backend" that reads the proxy's handshake + Login Start and answers with `reply` (or never). */
interface RawBackend {
  port: number;
  sockets: Socket[];
  /** How many of its connections have closed. */
  closed: number;
  server: Server;
}

async function rawBackend(reply: Buffer | null): Promise<RawBackend> {
  const state: RawBackend = { port: 0, sockets: [], closed: 0, server: undefined as unknown as Server };
  state.server = createServer((socket) => {
    state.sockets.push(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => void state.closed++);
    socket.once('data', () => { if (reply !== null) socket.write(reply); });
  });
  await new Promise<void>((r) => state.server.listen(0, '127.0.0.1', () => r()));
  state.port = (state.server.address() as { port: number }).port;
  raw.push(state);
  return state;
}

before(async () => {
  session = await startSessionServer();
  backend = await startBackend({ version: '1.21.4' });
  backend112 = await startBackend({ version: '1.12.2' });
  garbageBackend = await rawBackend(Buffer.from([0x05, 0x42, 1, 2, 3, 4]));
  hugeFrameBackend = await rawBackend(Buffer.concat([OVERSIZED, randomBytes(1024)]));
  hangingBackend = await rawBackend(null);
  const offline = 'proxy_mode = "offline"';
  proxy = await startProxy({
    servers: {
      off: serverToml(['off.test'], [backend.port], offline),
      off112: serverToml(['off112.test'], [backend112.port], offline),
      auth: serverToml(['auth.test'], [backend.port], 'proxy_mode = "client_only"'),
      garbage: serverToml(['garbage.test'], [garbageBackend.port], offline),
      huge: serverToml(['huge.test'], [hugeFrameBackend.port], offline),
      hang: serverToml(['hang.test'], [hangingBackend.port], offline),
    },
    builtins: ['mojang-auth'],
    global: `compression_threshold = ${THRESHOLD}\n[auth]\nsession_url = "${session.hasJoinedUrl}"\n`,
  });
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
  await backend112?.close();
  for (const r of raw) {
    for (const s of r.sockets) s.destroy();
    await new Promise((done) => r.server.close(done));
  }
  await session?.close();
});

/** A client speaking the protocol by hand: per-frame reads, optional encryption and compression. */
class RawClient {
  readonly socket: Socket;
  threshold = -1;
  loggedIn = false;
  #splitter = new FrameSplitter({ maxFrame: 4 * 1024 * 1024 });
  #encryptor: StreamCipher | undefined;
  #decryptor: StreamCipher | undefined;
  #packets: Buffer[] = [];
  #wake: (() => void) | undefined;
  readonly started = Date.now();
  /** Resolves with the ms from connect to close. */
  readonly closed: Promise<number>;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => this.socket.once('close', () => { this.#wake?.(); resolve(Date.now() - this.started); }));
    this.socket.on('data', (chunk: Buffer) => this.#receive(chunk));
  }

  /** Bytes as they go on the wire (encrypted once encryption is on). */
  write(bytes: Buffer): boolean {
    return this.socket.write(this.#encryptor === undefined ? bytes : this.#encryptor.update(bytes));
  }

  /** A packet (id + body), framed and compressed as this side currently does. */
  send(packet: Buffer): void {
    this.write(this.threshold >= 0 ? encodeCompressed(packet, this.threshold) : encodeFrame(packet));
  }

  encrypt(secret: Buffer): void {
    this.#encryptor = createEncryptor(secret);
    this.#decryptor = createDecryptor(secret);
  }

  async next(timeoutMs = 5000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.#packets.length === 0) {
      if (this.socket.destroyed) throw new Error('closed while waiting for a packet');
      if (Date.now() > deadline) throw new Error('no packet in time');
      await new Promise<void>((r) => {
        this.#wake = r;
        setTimeout(r, 50);
      });
    }
    return this.#packets.shift()!;
  }

  /** Handshake + Login Start for `domain`. */
  hello(domain: string, protocol: number, name: string): void {
    this.write(Buffer.concat([
      encodeHandshake({ protocolVersion: protocol, address: domain, port: 25565, nextState: 2 }),
      encodeLoginStart({ name, uuid: offlineUuid(name) }, protocol),
    ]));
  }

  /** Reads login packets (applying Set Compression) until Login Success. */
  async untilLoginSuccess(): Promise<void> {
    for (;;) {
      const packet = await this.next();
      if (packet[0] === 0x02) return void (this.loggedIn = true);
      if (packet[0] !== 0x03) throw new Error(`unexpected login packet 0x${packet[0]!.toString(16)}`);
    }
  }

  #receive(chunk: Buffer): void {
    this.#splitter.push(this.#decryptor === undefined ? chunk : this.#decryptor.update(chunk));
    for (let body = this.#splitter.next(); body !== null; body = this.#splitter.next()) {
      const packet = this.threshold >= 0 ? decodeCompressed(Buffer.from(body), this.threshold, false) : Buffer.from(body);
      if (!this.loggedIn && packet[0] === 0x03) this.threshold = new PacketReader(packet, 1).varInt();
      this.#packets.push(packet);
    }
    this.#wake?.();
  }
}

/** Reads the Encryption Request and answers it; `secretLength`/`wrongToken` break the answer. */
async function answerEncryption(client: RawClient, options: { secretLength?: number; wrongToken?: boolean } = {}): Promise<{ secret: Buffer; hash: string }> {
  const request = await client.next();
  assert.equal(request[0], 0x01, 'Encryption Request');
  const r = new PacketReader(request, 1);
  r.string(20);
  const publicKey = r.byteArray(1024);
  const token = r.byteArray(64);
  const key = createPublicKey({ key: publicKey, format: 'der', type: 'spki' });
  const rsa = (data: Buffer) => publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, data);
  const secret = randomBytes(options.secretLength ?? 16);
  const echoed = options.wrongToken === true ? Buffer.from(token.map((b) => b ^ 0xff)) : token;
  client.send(packetOf(0x01, new PacketWriter(300).byteArray(rsa(secret)).byteArray(rsa(echoed)).toBuffer()));
  if (secret.length === 16) client.encrypt(secret);
  return { secret, hash: serverHash('', secret, publicKey) };
}

/** The session ended quickly, and a real player joins right after. */
async function endsAlone(client: RawClient, what: string, withinMs = 3000): Promise<void> {
  const closedAfter = await Promise.race([client.closed, new Promise<number>((r) => setTimeout(() => r(-1), withinMs))]);
  assert.ok(closedAfter >= 0, `${what}: the proxy did not end the session within ${withinMs} ms`);
  await join({ port: proxy.port, domain: 'off.test', version: '1.21.4', username: 'Survivor' });
}

/** The backend (minecraft-protocol server) has no player connection left. */
async function backendEmpty(b: Backend, what: string): Promise<void> {
  const deadline = Date.now() + 3000;
  while (Object.keys(b.server.clients).length > 0) {
    assert.ok(Date.now() < deadline, `${what}: the backend connection stayed open`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('client_only: a shared secret that is not 16 bytes ends the session', async () => {
  const client = new RawClient(proxy.port);
  client.hello('auth.test', P1_21_4, 'ShortSecret');
  await answerEncryption(client, { secretLength: 15 });
  await endsAlone(client, 'short secret');
  assert.equal(session.hasJoinedQueries.length, 0, 'the session server was never asked');
});

test('client_only: a verify token that does not match ends the session', async () => {
  const client = new RawClient(proxy.port);
  client.hello('auth.test', P1_21_4, 'WrongToken');
  await answerEncryption(client, { wrongToken: true });
  await endsAlone(client, 'wrong token');
  assert.equal(session.hasJoinedQueries.length, 0);
});

test('client_only: garbage right after a valid encryption response ends the session, the backend connection too', async () => {
  const client = new RawClient(proxy.port);
  client.hello('auth.test', P1_21_4, 'Garbler');
  const { hash } = await answerEncryption(client);
  session.markJoined({ id: 'c0ffee00-0000-4000-8000-000000000001', name: 'Garbler' }, hash);
  // An overlong VarInt where the next frame's length belongs (the proxy reads it at Login Acknowledged).
  client.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
  await endsAlone(client, 'garbage after encryption');
  await backendEmpty(backend, 'garbage after encryption');
});

test('offline: a compressed frame whose data length lies (claims 100, inflates to 50) ends the session', async () => {
  const client = new RawClient(proxy.port);
  client.hello('off.test', P1_21_4, 'Liar');
  await client.untilLoginSuccess();
  assert.equal(client.threshold, THRESHOLD);
  const lie = Buffer.concat([writeVarInt(100), deflateSync(packetOf(0x03, Buffer.alloc(49)))]);
  client.write(encodeFrame(lie));
  await endsAlone(client, 'lying data length at Login Acknowledged');
  await backendEmpty(backend, 'lying data length at Login Acknowledged');
});

test('offline 1.12.2 in play: a compressed frame whose data length lies ends the session', async () => {
  const client = new RawClient(proxy.port);
  client.hello('off112.test', P1_12_2, 'PlayLiar');
  await client.untilLoginSuccess();
  // Chat (0x02 in 1.12.2) claiming 100 bytes, inflating to 50.
  const chat = packetOf(0x02, new PacketWriter(64).string('x'.repeat(48)).toBuffer());
  assert.equal(chat.length, 50);
  client.write(encodeFrame(Buffer.concat([writeVarInt(100), deflateSync(chat)])));
  await endsAlone(client, 'lying data length in play');
  await backendEmpty(backend112, 'lying data length in play');
});

test('a frame over 2 MiB is refused from its length prefix in every state', async () => {
  const states: Array<[string, () => Promise<RawClient>]> = [
    ['login, before Login Start', async () => {
      const c = new RawClient(proxy.port);
      c.write(encodeHandshake({ protocolVersion: P1_21_4, address: 'off.test', port: 25565, nextState: 2 }));
      return c;
    }],
    ['login, awaiting the Encryption Response', async () => {
      const c = new RawClient(proxy.port);
      c.hello('auth.test', P1_21_4, 'BigEnc');
      await c.next();
      return c;
    }],
    ['login, encrypted, awaiting Login Acknowledged', async () => {
      const c = new RawClient(proxy.port);
      c.hello('auth.test', P1_21_4, 'BigAck');
      const { hash } = await answerEncryption(c);
      session.markJoined({ id: 'c0ffee00-0000-4000-8000-000000000002', name: 'BigAck' }, hash);
      await c.untilLoginSuccess();
      return c;
    }],
    ['configuration (1.21.4)', async () => {
      const c = new RawClient(proxy.port);
      c.hello('off.test', P1_21_4, 'BigConfig');
      await c.untilLoginSuccess();
      c.send(packetOf(0x03, Buffer.alloc(0))); // Login Acknowledged
      await c.next(); // something from the backend's configuration: the relay runs
      return c;
    }],
    ['play (1.12.2)', async () => {
      const c = new RawClient(proxy.port);
      c.hello('off112.test', P1_12_2, 'BigPlay');
      await c.untilLoginSuccess();
      await c.next(); // Join Game through the relay
      return c;
    }],
  ];
  for (const [state, open] of states) {
    const client = await open();
    client.write(OVERSIZED);
    // Only the prefix is sent: a proxy waiting to buffer the body would never close.
    const closedAfter = await Promise.race([client.closed, new Promise<number>((r) => setTimeout(() => r(-1), 3000))]);
    assert.ok(closedAfter >= 0, `${state}: not closed from the length prefix`);
    client.socket.destroy();
  }
  await backendEmpty(backend, 'oversized frames');
  await backendEmpty(backend112, 'oversized frames');
  await join({ port: proxy.port, domain: 'off.test', version: '1.21.4', username: 'Survivor' });
});

async function kickOf(joining: Promise<unknown>): Promise<string> {
  const err = await joining.then(() => assert.fail('the player got in'), (e: unknown) => e);
  assert.ok(err instanceof KickError, `expected a kick, got ${String(err)}`);
  return plainText(JSON.parse(err.reason));
}

test('a backend that sends garbage or an oversized frame mid-login: the player is kicked with a reason, the backend connection closed', async () => {
  for (const [domain, b] of [['garbage.test', garbageBackend], ['huge.test', hugeFrameBackend]] as const) {
    const closedBefore = b.closed;
    const kick = await kickOf(join({ port: proxy.port, domain, version: '1.21.4', username: 'Victim', timeoutMs: 5000 }));
    assert.equal(kick, 'Server is currently unreachable. Please try again later.', domain);
    const deadline = Date.now() + 3000;
    while (b.closed === closedBefore) {
      assert.ok(Date.now() < deadline, `${domain}: the proxy kept the backend connection`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  await join({ port: proxy.port, domain: 'off.test', version: '1.21.4', username: 'Survivor' });
});

test('a backend that accepts and never answers: the login waits (bounded), others join meanwhile, a client that leaves frees the backend connection', async () => {
  const waiting = new RawClient(proxy.port);
  waiting.hello('hang.test', P1_21_4, 'Patient');
  await join({ port: proxy.port, domain: 'off.test', version: '1.21.4', username: 'Meanwhile' });
  assert.equal(waiting.socket.destroyed, false, 'still waiting for the backend (the login step timeout is 30 s)');
  // While the proxy waits on the backend it reads at most a bounded amount of what the client sends.
  const flood = Buffer.alloc(32 * 1024 * 1024);
  waiting.socket.write(flood);
  await new Promise((r) => setTimeout(r, 1000));
  assert.ok(waiting.socket.writableLength > 16 * 1024 * 1024, `the proxy read ${flood.length - waiting.socket.writableLength} bytes of a stalled login`);
  waiting.socket.destroy();

  const closedBefore = hangingBackend.closed;
  const leaver = new RawClient(proxy.port);
  leaver.hello('hang.test', P1_21_4, 'Leaver');
  const deadline = Date.now() + 3000;
  while (hangingBackend.sockets.length < 2 + closedBefore) {
    assert.ok(Date.now() < deadline, 'the proxy never dialled the backend');
    await new Promise((r) => setTimeout(r, 20));
  }
  leaver.socket.end();
  const until = Date.now() + 3000;
  while (hangingBackend.closed === closedBefore) {
    assert.ok(Date.now() < until, 'the backend connection outlived the client that left');
    await new Promise((r) => setTimeout(r, 50));
  }
});
