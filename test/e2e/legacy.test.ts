// Pre-netty server-list pings (Beta, 1.4, 1.6 with host) get legacy-format answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { decodeKick, ping16 } from '../helpers/legacy-bytes.ts';

let backend: Backend;
let proxy: Harness;

before(async () => {
  backend = await startBackend({ version: '1.21.4', motd: 'Legacy friendly', maxPlayers: 33 });
  proxy = await startProxy({
    global: '[default_motd.online]\ntext = "§eProxy default"\nmax_players = 7\n',
    servers: { main: serverToml(['legacy.test'], [backend.port]) },
  });
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
});


/** Sends raw bytes and decodes the 0xFF kick string the proxy answers with. */
function legacyExchange(bytes: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(proxy.port, '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const all = Buffer.concat(chunks);
      if (all[0] !== 0xff) return reject(new Error(`expected 0xFF kick, got ${all.subarray(0, 8).toString('hex')}`));
      resolve(decodeKick(all));
    });
  });
}

test('a 1.6 ping with a host reaches that server', async () => {
  const reply = (await legacyExchange(ping16('legacy.test', 25565))).split('\0');
  assert.equal(reply[0], '§1');
  assert.equal(reply[3], 'Legacy friendly');
  assert.equal(reply[5], '33');
});

test('a 1.4 ping (no host) gets the default MOTD in the 1.4 format', async () => {
  const reply = (await legacyExchange(Buffer.from([0xfe, 0x01]))).split('\0');
  assert.equal(reply[0], '§1');
  assert.equal(reply[3], '§eProxy default');
  assert.equal(reply[5], '7');
});

test('a Beta ping (bare 0xFE) gets the Beta format', async () => {
  const reply = await legacyExchange(Buffer.from([0xfe]));
  assert.equal(reply, 'Proxy default§0§7');
});

test('a 1.6 ping for an unknown host gets the default MOTD', async () => {
  const reply = (await legacyExchange(ping16('unknown.test', 25565))).split('\0');
  assert.equal(reply[3], '§eProxy default');
});
