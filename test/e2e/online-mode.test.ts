// An online-mode (encrypted, compressed) login passes through the proxy untouched: the client
// and backend do the whole Mojang handshake with each other, against a local session server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startSessionServer, type SessionServer } from '../helpers/session-server.ts';

const PROFILE = { id: '0f8fad5b-d9cb-469f-a165-70867728950e', name: 'OnlineHero' };
let session: SessionServer;
let backend: Backend;
let proxy: Harness;

before(async () => {
  session = await startSessionServer(new Map([['good-token', PROFILE]]));
  backend = await startBackend({ version: '1.21.4', onlineMode: true, agent: session.agent });
  proxy = await startProxy({ servers: { online: serverToml(['online.test'], [backend.port]) } });
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
  await session?.close();
});

function onlineOptions(token: string): Record<string, unknown> {
  return {
    auth: 'mojang',
    session: { accessToken: token, clientToken: 'client', selectedProfile: { id: PROFILE.id.replace(/-/g, ''), name: PROFILE.name } },
    skipValidation: true,
    profilesFolder: false,
    sessionServer: session.url,
  };
}

test('an encrypted online-mode login reaches play state through the proxy', async () => {
  await join({ port: proxy.port, domain: 'online.test', version: '1.21.4', username: PROFILE.name, extra: onlineOptions('good-token') });
  assert.deepEqual(backend.joined, [PROFILE.name]);
  assert.equal(session.joins.length, 1, 'the client authenticated with the session server once');
});

test('a client the session server refuses does not get in', async () => {
  await assert.rejects(
    join({ port: proxy.port, domain: 'online.test', version: '1.21.4', username: PROFILE.name, extra: onlineOptions('bad-token'), timeoutMs: 8000 }),
  );
  assert.deepEqual(backend.joined, [PROFILE.name]);
});
