// Pre-netty logins (0x02) are routed by the host they carry and piped through byte for byte.
// No pre-netty server runs on Node, so the backend is a raw TCP server recording what arrives.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server } from 'node:net';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { decodeKick, utf16 } from '../helpers/legacy-bytes.ts';

let backend: Server;
let received: Buffer[] = [];
let proxy: Harness;


/** A 1.6.4 (protocol 78) login handshake: 0x02, protocol, username, host, port. */
function legacyLogin(name: string, host: string): Buffer {
  const port = Buffer.alloc(4);
  port.writeInt32BE(25565);
  return Buffer.concat([Buffer.from([0x02, 78]), utf16(name), utf16(host), port]);
}

before(async () => {
  backend = createServer((s) => {
    s.on('data', (d) => {
      received.push(d);
      s.write(Buffer.from([0xfd])); // 1.6 would answer with an encryption request (0xFD)
    });
  });
  await new Promise<void>((r) => backend.listen(0, '127.0.0.1', () => r()));
  proxy = await startProxy({ servers: { old: serverToml(['old.test'], [(backend.address() as { port: number }).port]) } });
});

after(async () => {
  await proxy?.stop();
  backend?.close();
});

test('a 1.6 login handshake reaches the backend unchanged and the answer comes back', async () => {
  received = [];
  const bytes = legacyLogin('Steve', 'old.test');
  const socket = connect(proxy.port, '127.0.0.1', () => socket.write(bytes));
  const answer = await new Promise<Buffer>((r) => socket.once('data', r));
  socket.destroy();
  assert.equal(answer[0], 0xfd);
  assert.deepEqual(Buffer.concat(received), bytes);
});

test('an unknown host gets a legacy 0xFF kick', async () => {
  const socket = connect(proxy.port, '127.0.0.1', () => socket.write(legacyLogin('Alex', 'nowhere.test')));
  const chunks: Buffer[] = [];
  socket.on('data', (d) => chunks.push(d));
  await new Promise((r) => socket.once('close', r));
  const kick = Buffer.concat(chunks);
  assert.equal(kick[0], 0xff);
  assert.match(decodeKick(kick), /no server at this address/i);
});
