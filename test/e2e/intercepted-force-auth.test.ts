// PreLogin's ForceOffline / ForceOnline choose, per player, whether an intercepted server
// authenticates them: a client_only server lets a ForceOffline player in without the session
// server (offline UUID), an offline server makes a ForceOnline player prove their session.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { forceOffline, forceOnline } from '../../sdk/results.ts';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startSessionServer, type SessionServer } from '../helpers/session-server.ts';

const PROFILE = { id: '1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9', name: 'Forced' };
let session: SessionServer;
let backend: Backend;
let proxy: Harness;
const verified = new Map<string, boolean>();

before(async () => {
  session = await startSessionServer(new Map([['forced-token', PROFILE]]));
  backend = await startBackend({ version: '1.21.4' });
  proxy = await startProxy({
    servers: {
      online: serverToml(['online.test'], [backend.port], 'proxy_mode = "client_only"'),
      cracked: serverToml(['cracked.test'], [backend.port], 'proxy_mode = "offline"'),
    },
    builtins: ['mojang-auth'],
    global: `[auth]\nsession_url = "${session.url}/session/minecraft/hasJoined"\n`,
  });
  proxy.proxy.layers.events.on('test', 'PreLogin', (e) => {
    if (e.player.username.startsWith('Guest')) return forceOffline();
    if (e.player.username === PROFILE.name) return forceOnline();
    return undefined;
  });
  proxy.proxy.layers.events.on('test', 'PostLogin', (e) => void verified.set(e.player.username, proxy.api.player(e.player.username)?.verified ?? false));
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
  await session?.close();
});

test('ForceOffline lets a player into a client_only server without the session server', async () => {
  const joinsBefore = session.joins.length;
  await join({ port: proxy.port, domain: 'online.test', version: '1.21.4', username: 'Guest42' });
  assert.ok(backend.joined.includes('Guest42'));
  assert.equal(session.joins.length, joinsBefore);
  assert.equal(verified.get('Guest42'), false);
});

test('ForceOnline makes an offline server authenticate the player', async () => {
  await join({
    port: proxy.port, domain: 'cracked.test', version: '1.21.4', username: PROFILE.name,
    extra: { auth: 'mojang', session: { accessToken: 'forced-token', clientToken: 'c', selectedProfile: { id: PROFILE.id.replace(/-/g, ''), name: PROFILE.name } }, skipValidation: true, profilesFolder: false, sessionServer: session.url },
  });
  assert.ok(session.joins.some((j) => j.name === PROFILE.name), 'the client went through the session server');
  assert.equal(verified.get(PROFILE.name), true);
});
