// 1.19–1.19.2 clients that hold a chat-signing key (every premium vanilla client of those
// versions) answer the Encryption Request with a salt signed by that key instead of the
// encrypted verify token. In client_only the proxy checks that signature with the key from
// their Login Start, then authenticates them with the session server as usual.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startSessionServer, type SessionServer } from '../helpers/session-server.ts';

const VERSIONS = ['1.19', '1.19.2'];
const PROFILE = { id: '5c3f8a6e-2b1d-4e0f-9a7c-0d1e2f3a4b5c', name: 'KeyHolder' };
let session: SessionServer;
const backends = new Map<string, Backend>();
let proxy: Harness;

before(async () => {
  session = await startSessionServer(new Map([['key-token', PROFILE]]));
  const servers: Record<string, string> = {};
  for (const v of VERSIONS) {
    const backend = await startBackend({ version: v });
    backends.set(v, backend);
    servers[`s${v.replace(/\./g, '')}`] = serverToml([`${v}.test`], [backend.port], 'proxy_mode = "client_only"');
  }
  proxy = await startProxy({ servers, builtins: ['mojang-auth'], global: `[auth]\nsession_url = "${session.url}/session/minecraft/hasJoined"\n` });
});

after(async () => {
  await proxy?.stop();
  for (const b of backends.values()) await b.close();
  await session?.close();
});

interface Keys { public: KeyObject; private: KeyObject; expiresOn: Date; signature: Buffer; signatureV2: Buffer }

function withChatKey(tamper: boolean): (client: mc.Client) => void {
  return (client) => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const keys: Keys = {
      public: pair.publicKey,
      // A client that signs with a key other than the one it announced must be refused.
      private: tamper ? other.privateKey : pair.privateKey,
      expiresOn: new Date(Date.now() + 3_600_000),
      signature: Buffer.alloc(512, 7),
      signatureV2: Buffer.alloc(512, 8),
    };
    (client as unknown as { profileKeys: Keys }).profileKeys = keys;
  };
}

const online = {
  auth: 'mojang',
  session: { accessToken: 'key-token', clientToken: 'c', selectedProfile: { id: PROFILE.id.replace(/-/g, ''), name: PROFILE.name } },
  skipValidation: true,
  profilesFolder: false,
};

for (const version of VERSIONS) {
  test(`${version}: a client with a chat key signs the verify token and gets in`, async () => {
    const { client } = await join({ port: proxy.port, domain: `${version}.test`, version, username: PROFILE.name, keep: true, extra: { ...online, sessionServer: session.url }, onClient: withChatKey(false) });
    client.end();
    assert.ok(backends.get(version)!.joined.includes(PROFILE.name));
  });

  test(`${version}: a signature made with another key is refused`, async () => {
    const before = backends.get(version)!.joined.length;
    await assert.rejects(join({ port: proxy.port, domain: `${version}.test`, version, username: PROFILE.name, timeoutMs: 5000, extra: { ...online, sessionServer: session.url }, onClient: withChatKey(true) }));
    assert.equal(backends.get(version)!.joined.length, before);
  });
}
