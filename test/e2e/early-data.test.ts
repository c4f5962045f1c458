// Bytes a client sends right after Login Start, before the backend is connected, all arrive at
// the backend in order: the proxy holds them back with TCP backpressure instead of dropping them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { encodeHandshake } from '../../kernel/protocol/packets/handshake.ts';
import { encodeLoginStart } from '../../kernel/protocol/packets/login.ts';

const PAYLOAD = 4 * 1024 * 1024;
let sink: Server;
let received: Promise<Buffer>;
let proxy: Harness;

before(async () => {
  received = new Promise((resolve) => {
    sink = createServer((socket) => {
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      socket.on('end', () => { resolve(Buffer.concat(chunks)); socket.end(); });
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  const port = (sink.address() as { port: number }).port;
  proxy = await startProxy({ servers: { sink: serverToml(['sink.test'], [port]) } });
});

after(async () => {
  await proxy?.stop();
  sink?.close();
});

test('4 MiB sent straight after Login Start reach the backend intact', async () => {
  const preamble = Buffer.concat([
    encodeHandshake({ protocolVersion: 769, address: 'sink.test', port: 25565, nextState: 2 }),
    encodeLoginStart({ name: 'eager' }, 769),
  ]);
  const payload = randomBytes(PAYLOAD);
  const client = connect(proxy.port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  client.write(preamble);
  client.end(payload);
  const got = await received;
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  assert.equal(got.length, preamble.length + PAYLOAD);
  assert.equal(sha(got), sha(Buffer.concat([preamble, payload])));
});
