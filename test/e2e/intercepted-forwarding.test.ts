// Player-info forwarding from intercepted sessions (offline and client_only) to backends that
// verify it as Paper/Spigot do (test/helpers/forwarding-backend.ts): velocity (HMAC, negotiated
// version), bungeecord (host\0ip\0uuid\0properties), bungee_guard (token = the secret file). The
// secret file does not exist at start: the first login that needs it creates it (0600). Also the
// clear kicks for a backend that ignores velocity forwarding and for a backend in online mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join as joinPath } from 'node:path';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { startForwardingBackend, type ForwardingBackend, type ForwardingBackendOptions, type ForwardingKind } from '../helpers/forwarding-backend.ts';
import { join, KickError, plainText } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startSessionServer, texturesProperty, type SessionServer } from '../helpers/session-server.ts';

const ONLINE = { id: '7c9d5b00-44c1-4301-89a5-d7b5fb5c3171', name: 'FwdOnline' };
const ONLINE_PROFILE = { ...ONLINE, properties: [texturesProperty(ONLINE)] };
const PROXY_MODES = ['offline', 'client_only'] as const;

/** Vanilla's offline UUID, computed here independently of the proxy: v3 of MD5("OfflinePlayer:" + name). */
function vanillaOfflineUuid(name: string): string {
  const h = createHash('md5').update(`OfflinePlayer:${name}`, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x30;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

interface Target {
  key: string;
  version: string;
  kind: ForwardingKind;
  requestVersion?: number;
}
const TARGETS: Target[] = [
  { key: 'vel1204r1', version: '1.20.4', kind: 'velocity', requestVersion: 1 },
  { key: 'vel1204r4', version: '1.20.4', kind: 'velocity', requestVersion: 4 },
  { key: 'vel1214r1', version: '1.21.4', kind: 'velocity', requestVersion: 1 },
  { key: 'vel1214r4', version: '1.21.4', kind: 'velocity', requestVersion: 4 },
  { key: 'vel1165r4', version: '1.16.5', kind: 'velocity', requestVersion: 4 },
  { key: 'bungee1214', version: '1.21.4', kind: 'bungeecord' },
  { key: 'bungee1122', version: '1.12.2', kind: 'bungeecord' },
  { key: 'guard1214', version: '1.21.4', kind: 'bungeeguard' },
];
const MODE_OF: Record<ForwardingKind, string> = { velocity: 'velocity', bungeecord: 'bungee_cord', bungeeguard: 'bungee_guard' };

let session: SessionServer;
let proxy: Harness;
let plain: Backend;
let onlineBackend: Backend;
const backends = new Map<string, ForwardingBackend>();
let secretFile: string;

const domainOf = (key: string, mode: string) => `${key}.${mode.replace('_', '-')}.test`;

before(async () => {
  session = await startSessionServer(new Map([['token', ONLINE_PROFILE]]));
  const servers: Record<string, string> = {};
  for (const t of TARGETS) {
    // The backend reads the secret when it verifies, from the file the proxy is to create.
    const options: ForwardingBackendOptions = {
      version: t.version,
      forwarding: t.kind,
      requestVersion: t.requestVersion,
      get secret() {
        return readFileSync(secretFile, 'utf8').trim();
      },
    };
    const backend = await startForwardingBackend(options);
    backends.set(t.key, backend);
    for (const mode of PROXY_MODES) {
      servers[`${t.key}_${mode}`] = serverToml([domainOf(t.key, mode)], [backend.port], `proxy_mode = "${mode}"\nforwarding_mode = "${MODE_OF[t.kind]}"`);
    }
  }
  plain = await startBackend({ version: '1.21.4' });
  onlineBackend = await startBackend({ version: '1.21.4', onlineMode: true });
  servers.novelocity = serverToml(['novelocity.test'], [plain.port], 'proxy_mode = "offline"\nforwarding_mode = "velocity"');
  servers.onlinebackend = serverToml(['onlinebackend.test'], [onlineBackend.port], 'proxy_mode = "offline"');
  proxy = await startProxy({
    servers,
    builtins: ['mojang-auth'],
    captureLogs: 'info',
    global: `[auth]\nsession_url = "${session.hasJoinedUrl}"\n[forwarding]\nsecret_file = "fwd.secret"\n`,
  });
  secretFile = joinPath(proxy.dir, 'fwd.secret');
});

after(async () => {
  await proxy?.stop();
  for (const b of backends.values()) await b.close();
  await plain?.close();
  await onlineBackend?.close();
  await session?.close();
});

function online(): Record<string, unknown> {
  return {
    auth: 'mojang',
    session: { accessToken: 'token', clientToken: 'client', selectedProfile: { id: ONLINE.id.replace(/-/g, ''), name: ONLINE.name } },
    skipValidation: true,
    profilesFolder: false,
    sessionServer: session.url,
  };
}

/** Joins server `key` in `mode`; returns what its backend recorded of that login. */
async function joinThrough(key: string, mode: (typeof PROXY_MODES)[number], username: string) {
  const target = TARGETS.find((t) => t.key === key)!;
  const backend = backends.get(key)!;
  const count = backend.joins.length;
  const name = mode === 'client_only' ? ONLINE.name : username;
  await join({ port: proxy.port, domain: domainOf(key, mode), version: target.version, username: name, extra: mode === 'client_only' ? online() : undefined });
  assert.equal(backend.joins.length, count + 1, 'the backend saw exactly this login');
  const got = backend.joins.at(-1)!;
  assert.equal(got.refused, undefined, `the backend refused: ${got.refused}`);
  return got;
}

/** What a player should arrive as, per proxy mode. */
function expected(mode: (typeof PROXY_MODES)[number], username: string) {
  return mode === 'client_only'
    ? { uuid: ONLINE.id, name: ONLINE.name, properties: ONLINE_PROFILE.properties }
    : { uuid: vanillaOfflineUuid(username), name: username, properties: [] };
}

test('the forwarding secret file is created on first use, mode 0600, relative to the config folder', async () => {
  await assert.rejects(stat(secretFile), { code: 'ENOENT' });
  const got = await joinThrough('vel1214r4', 'offline', 'FirstUse');
  assert.equal(got.hmacValid, true, 'the backend verified the HMAC with the secret the proxy wrote');
  const info = await stat(secretFile);
  assert.equal(info.mode & 0o777, 0o600);
  assert.match(readFileSync(secretFile, 'utf8').trim(), /^[0-9a-f]{32}$/);
});

test('offline: the UUID is vanilla\'s offline UUID v3 of MD5("OfflinePlayer:"+name), through velocity and bungeecord', async () => {
  assert.equal(vanillaOfflineUuid('Notch'), 'b50ad385-829d-3141-a216-7e7d7539ba7f', 'the reference computation is right');
  const velocity = await joinThrough('vel1214r4', 'offline', 'Notch');
  assert.equal(velocity.uuid, 'b50ad385-829d-3141-a216-7e7d7539ba7f');
  const bungee = await joinThrough('bungee1214', 'offline', 'Notch');
  assert.equal(bungee.uuid, 'b50ad385-829d-3141-a216-7e7d7539ba7f');
});

for (const mode of PROXY_MODES) {
  test(`${mode}, velocity: HMAC verified; version 1 and 4 as requested on 1.20.4 and 1.21.4; a 1.16.5 player gets 1`, async () => {
    for (const [key, version] of [['vel1204r1', 1], ['vel1204r4', 4], ['vel1214r1', 1], ['vel1214r4', 4], ['vel1165r4', 1]] as const) {
      const username = `V${key}`;
      const got = await joinThrough(key, mode, username);
      assert.equal(got.hmacValid, true, key);
      assert.equal(got.version, version, `${key}: forwarding version`);
      assert.equal(got.address, '127.0.0.1', key);
      assert.deepEqual({ uuid: got.uuid, name: got.name, properties: got.properties }, expected(mode, username), key);
    }
  });

  test(`${mode}, bungeecord: the backend gets host\\0ip\\0uuid\\0properties (1.21.4 and 1.12.2)`, async () => {
    for (const key of ['bungee1214', 'bungee1122']) {
      const username = `B${key}`;
      const got = await joinThrough(key, mode, username);
      assert.equal(got.host, domainOf(key, mode));
      assert.equal(got.address, '127.0.0.1');
      assert.deepEqual({ uuid: got.uuid, name: got.name, properties: got.properties }, expected(mode, username), key);
    }
  });

  test(`${mode}, bungee_guard: the token is the secret file's content`, async () => {
    const got = await joinThrough('guard1214', mode, 'Guarded');
    assert.equal(got.token, readFileSync(secretFile, 'utf8').trim());
    assert.deepEqual({ uuid: got.uuid, name: got.name, properties: got.properties }, expected(mode, 'Guarded'));
  });
}

async function kickOf(joining: Promise<unknown>): Promise<string> {
  const err = await joining.then(() => assert.fail('the player got in'), (e: unknown) => e);
  assert.ok(err instanceof KickError, `expected a kick, got ${String(err)}`);
  return plainText(JSON.parse(err.reason));
}

test('velocity forwarding to a backend that never asks for it: the player is told the server is not configured for modern forwarding', async () => {
  const kick = await kickOf(join({ port: proxy.port, domain: 'novelocity.test', version: '1.21.4', username: 'NoVelocity', timeoutMs: 8000 }));
  assert.match(kick, /not configured for modern \(Velocity\) forwarding/);
});

test('a backend in online mode: the player reads that it must be offline with forwarding; a warning names the server', async () => {
  const kick = await kickOf(join({ port: proxy.port, domain: 'onlinebackend.test', version: '1.21.4', username: 'OnlineBackend', timeoutMs: 8000 }));
  assert.match(kick, /online mode; it must be set to offline mode and use forwarding/);
  const warnings = proxy.logs.filter((l) => l.level === 40 && l.server === 'onlinebackend');
  assert.equal(warnings.length, 1, JSON.stringify(proxy.logs.filter((l) => l.level >= 40)));
  assert.match(String(warnings[0]!.reason), /onlinebackend/);
  assert.equal(warnings[0]!.player, 'OnlineBackend');
  // The next player of another server is unaffected.
  await joinThrough('bungee1214', 'offline', 'AfterOnline');
});
