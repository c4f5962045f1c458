// Garbage input ends only its own connection: a real client joins and pings meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, ping, plainText } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { encodeHandshake } from '../../kernel/protocol/packets/handshake.ts';
import { writeVarInt } from '../../kernel/protocol/varint.ts';
import { FrameSplitter } from '../../kernel/protocol/frame-splitter.ts';
import { encodePacket } from '../../kernel/protocol/packet-writer.ts';

const VERSION = '1.21.4';
let backend: Backend;
let proxy: Harness;

before(async () => {
  backend = await startBackend({ version: VERSION, motd: 'Still here' });
  proxy = await startProxy({ servers: { main: serverToml(['main.test'], [backend.port]) } });
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
});

/** Opens a socket, sends `bytes`, and resolves with how the proxy ended it (ms until close). */
function attack(bytes: Buffer | null, opts: { endAfterWrite?: boolean } = {}): Promise<{ closedAfterMs: number; socket: Socket }> {
  return new Promise((resolve) => {
    const socket = connect(proxy.port, '127.0.0.1');
    const started = Date.now();
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ closedAfterMs: Date.now() - started, socket }));
    socket.on('connect', () => {
      if (bytes !== null) socket.write(bytes, () => undefined);
      if (opts.endAfterWrite === true) socket.end();
    });
  });
}

test('hostile connections are closed while a real player joins and pings', async () => {
  const huge = Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  const bigFrame = Buffer.concat([writeVarInt(3 * 1024 * 1024), randomBytes(64 * 1024)]);
  const hs = encodeHandshake({ protocolVersion: 769, address: 'main.test', port: 25565, nextState: 2 });
  const afterHandshake = Buffer.concat([hs, Buffer.from([0xff, 0xff, 0xff, 0x7f]), randomBytes(1024)]);
  const attacks = Promise.all([
    attack(huge),
    attack(bigFrame),
    attack(Buffer.concat([Buffer.from([0x10]), randomBytes(2048)])),
    attack(randomBytes(1), { endAfterWrite: true }),
    attack(hs.subarray(0, 5), { endAfterWrite: true }),
    attack(afterHandshake),
    attack(encodeHandshake({ protocolVersion: 769, address: 'x'.repeat(400), port: 1, nextState: 2 })),
    attack(encodeHandshake({ protocolVersion: 769, address: 'main.test', port: 1, nextState: 9 })),
  ]);
  const player = join({ port: proxy.port, domain: 'main.test', version: VERSION, username: 'survivor' });
  const status = ping(proxy.port, 'main.test');
  const results = await attacks;
  await player;
  assert.equal(plainText((await status).description), 'Still here');
  assert.ok(backend.joined.includes('survivor'));
  for (const r of results) assert.ok(r.closedAfterMs < 5000, `a hostile connection lingered ${r.closedAfterMs} ms`);
  assert.equal(backend.joined.length, 1, 'no garbage reached the backend as a login');
});

test('a 3 MB frame is refused from its length prefix, before its body is buffered', async () => {
  const socket = connect(proxy.port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise((r) => socket.once('connect', r));
  socket.write(writeVarInt(3 * 1024 * 1024));
  const closed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 3000);
    socket.once('close', () => { clearTimeout(timer); resolve(true); });
  });
  assert.equal(closed, true, 'the proxy must close as soon as it reads an oversized length');
});

test('an idle socket is closed after the 10 s handshake timeout and blocks nobody', { timeout: 20_000 }, async () => {
  const idle = attack(null);
  await join({ port: proxy.port, domain: 'main.test', version: VERSION, username: 'notblocked' });
  const { closedAfterMs } = await idle;
  assert.ok(closedAfterMs >= 9_500 && closedAfterMs < 12_000, `closed after ${closedAfterMs} ms`);
});

test('clients that vanish right after asking (status and login) never crash the proxy', async () => {
  const hsStatus = encodeHandshake({ protocolVersion: 769, address: 'main.test', port: 25565, nextState: 1 });
  const request = Buffer.from([0x01, 0x00]);
  const pingFrame = Buffer.from([0x09, 0x01, 0, 0, 0, 0, 0, 0, 0, 1]);
  const hsLogin = encodeHandshake({ protocolVersion: 769, address: 'nowhere.test', port: 25565, nextState: 2 });
  const loginStart = Buffer.from([0x06, 0x00, 0x04, 0x61, 0x62, 0x63, 0x64]);
  for (let round = 0; round < 5; round++) {
    await Promise.all(Array.from({ length: 40 }, (_, i) => new Promise<void>((resolve) => {
      const s = connect(proxy.port, '127.0.0.1');
      s.on('error', () => undefined);
      s.once('close', () => resolve());
      s.once('connect', () => {
        s.write(i % 2 === 0 ? Buffer.concat([hsStatus, request, pingFrame]) : Buffer.concat([hsLogin, loginStart]));
        setImmediate(() => s.resetAndDestroy());
      });
    })));
  }
  assert.equal(plainText((await ping(proxy.port, 'main.test')).description), 'Still here');
});

/**
 * A raw status exchange: sends `first`; once a frame comes back, sends `second` (if any).
 * Resolves with the ids of the frames the proxy sent before it closed.
 */
function statusExchange(first: Buffer, second?: Buffer): Promise<{ ids: number[]; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const socket = connect(proxy.port, '127.0.0.1');
    const splitter = new FrameSplitter({ maxFrame: 1 << 20 });
    const ids: number[] = [];
    const started = Date.now();
    socket.on('error', () => undefined);
    socket.on('connect', () => socket.write(first));
    socket.on('data', (chunk: Buffer) => {
      splitter.push(chunk);
      for (let frame = splitter.next(); frame !== null; frame = splitter.next()) {
        ids.push(frame[0]);
        if (ids.length === 1 && second !== undefined) socket.write(second);
      }
    });
    socket.on('close', () => resolve({ ids, closedAfterMs: Date.now() - started }));
  });
}

test('a status request or ping with a body is refused unanswered; the exact packets are answered', async () => {
  const hs = encodeHandshake({ protocolVersion: 769, address: 'main.test', port: 25565, nextState: 1 });
  const request = encodePacket(0x00, Buffer.alloc(0));
  const pingFrame = encodePacket(0x01, Buffer.from('0011223344556677', 'hex'));
  const [exact, bigRequest, oneByteMore, longPing] = await Promise.all([
    statusExchange(Buffer.concat([hs, request]), pingFrame),
    statusExchange(Buffer.concat([hs, encodePacket(0x00, randomBytes(60_000))])),
    statusExchange(Buffer.concat([hs, encodePacket(0x00, Buffer.from([0]))])),
    statusExchange(Buffer.concat([hs, request]), encodePacket(0x01, randomBytes(9))),
  ]);
  assert.deepEqual(exact.ids, [0x00, 0x01], 'a well-formed exchange gets the status and the pong');
  assert.deepEqual(bigRequest.ids, [], 'a 60 KB status request gets no answer');
  assert.deepEqual(oneByteMore.ids, [], 'a status request with a 1-byte body gets no answer');
  assert.deepEqual(longPing.ids, [0x00], 'a 9-byte ping gets no pong');
  for (const r of [bigRequest, oneByteMore, longPing]) assert.ok(r.closedAfterMs < 2000, `closed after ${r.closedAfterMs} ms`);
  assert.equal(plainText((await ping(proxy.port, 'main.test')).description), 'Still here');
});
