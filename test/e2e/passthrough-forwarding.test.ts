// Passthrough servers with BungeeCord or BungeeGuard forwarding: the proxy rewrites only the
// handshake address (host\0ip\0uuid\0properties) and relays everything else untouched. A
// `velocity` mode there cannot work (the proxy does not own the login), so it is applied as
// BungeeCord forwarding, as the Rust anchor does; the config loader warns about it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startForwardingBackend, type ForwardingBackend } from '../helpers/forwarding-backend.ts';
import { offlineUuid } from '../../kernel/protocol/uuid.ts';

const SECRET = 'passthrough-secret-123';
let bungee: ForwardingBackend;
let guard: ForwardingBackend;
let proxy: Harness;

before(async () => {
  bungee = await startForwardingBackend({ version: '1.21.4', forwarding: 'bungeecord', secret: SECRET });
  guard = await startForwardingBackend({ version: '1.20.4', forwarding: 'bungeeguard', secret: SECRET });
  proxy = await startProxy({
    global: '[forwarding]\nsecret_file = "forwarding.secret"\n',
    servers: {
      bungee: serverToml(['bungee.test'], [bungee.port], 'forwarding_mode = "bungee_cord"'),
      velo: serverToml(['velo.test'], [bungee.port], 'forwarding_mode = "velocity"'),
      guard: serverToml(['guard.test'], [guard.port], 'forwarding_mode = "bungee_guard"'),
    },
  });
  await writeFile(joinPath(proxy.dir, 'forwarding.secret'), `${SECRET}\n`);
});

after(async () => {
  await proxy?.stop();
  await bungee?.close();
  await guard?.close();
});

test('a passthrough player is announced to a BungeeCord backend with its IP and offline UUID', async () => {
  await join({ port: proxy.port, domain: 'bungee.test', version: '1.21.4', username: 'PassBungee' });
  const got = bungee.joins.find((j) => j.loginName === 'PassBungee');
  assert.ok(got !== undefined && got.refused === undefined, JSON.stringify(got));
  assert.equal(got.host, 'bungee.test');
  assert.equal(got.address, '127.0.0.1');
  assert.equal(got.uuid, offlineUuid('PassBungee'));
});

test('velocity on a passthrough server is applied as BungeeCord forwarding, not silently dropped', async () => {
  await join({ port: proxy.port, domain: 'velo.test', version: '1.21.4', username: 'PassVelo' });
  const got = bungee.joins.find((j) => j.loginName === 'PassVelo');
  assert.equal(got?.uuid, offlineUuid('PassVelo'));
  assert.equal(got?.address, '127.0.0.1');
});

test('BungeeGuard carries the secret as its token', async () => {
  await join({ port: proxy.port, domain: 'guard.test', version: '1.20.4', username: 'PassGuard' });
  const got = guard.joins.find((j) => j.loginName === 'PassGuard');
  assert.ok(got !== undefined && got.refused === undefined, JSON.stringify(got));
  assert.equal(got.token, SECRET);
});
