// client_only end to end: real minecraft-protocol clients authenticate against a fake session
// server on 127.0.0.1 (their /join, the proxy's real mojang-auth plugin asking hasJoined), and
// forwarding backends verify what reaches them (velocity HMAC and version, bungeecord for 1.8).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import type mc from 'minecraft-protocol';
import type { EventMap } from '../../sdk/events.ts';
import { startForwardingBackend, type ForwardingBackend, type ForwardingKind } from '../helpers/forwarding-backend.ts';
import { join, KickError, plainText } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { startSessionServer, texturesProperty, type SessionProfile, type SessionServer } from '../helpers/session-server.ts';

const SECRET = 'auth-test-forwarding-secret';
/** Version → how its backend takes the forwarded identity (login plugin requests exist from 1.13). */
const VERSIONS: ReadonlyArray<{ version: string; forwarding: ForwardingKind; expectedVelocity?: number }> = [
  { version: '1.8.8', forwarding: 'bungeecord' },
  { version: '1.16.5', forwarding: 'velocity', expectedVelocity: 1 },
  { version: '1.20.4', forwarding: 'velocity', expectedVelocity: 4 },
  { version: '1.21.4', forwarding: 'velocity', expectedVelocity: 4 },
  { version: '26.1', forwarding: 'velocity', expectedVelocity: 4 },
];
const WRONG = { id: '5a1e0c6e-7d6b-4c65-9d6a-3b0b5b7f8e01', name: 'WrongHash' };

const profileOf = (version: string, i: number): SessionProfile => {
  const name = `Auth${version.replace(/\./g, '')}`;
  const id = `0f8fad5b-d9cb-469f-a165-7086772895${(10 + i).toString().padStart(2, '0')}`;
  return { id, name, properties: [texturesProperty({ id, name })] };
};
const PROFILES = VERSIONS.map((v, i) => profileOf(v.version, i));

let session: SessionServer;
let proxy: Harness;
let secretDir: string;
const backends = new Map<string, ForwardingBackend>();
const authFailures: EventMap['OnlineAuthFailed'][] = [];

before(async () => {
  const tokens = new Map<string, SessionProfile>([[`token-${WRONG.name}`, WRONG]]);
  for (const p of PROFILES) tokens.set(`token-${p.name}`, p);
  session = await startSessionServer(tokens);
  secretDir = await mkdtemp(joinPath(tmpdir(), 'infrarust-secret-'));
  await writeFile(joinPath(secretDir, 'forwarding.secret'), `${SECRET}\n`, { mode: 0o600 });
  const servers: Record<string, string> = {};
  for (const { version, forwarding } of VERSIONS) {
    const backend = await startForwardingBackend({ version, forwarding, secret: SECRET, requestVersion: forwarding === 'velocity' ? 4 : undefined });
    backends.set(version, backend);
    const mode = forwarding === 'velocity' ? 'velocity' : 'bungee_cord';
    servers[`v${version.replace(/\./g, '_')}`] = serverToml([domainOf(version)], [backend.port], `proxy_mode = "client_only"\nforwarding_mode = "${mode}"`);
  }
  proxy = await startProxy({
    servers,
    builtins: ['mojang-auth'],
    captureLogs: 'info',
    global: `[auth]\nsession_url = "${session.hasJoinedUrl}"\ntimeout = "3s"\n[forwarding]\nsecret_file = "${joinPath(secretDir, 'forwarding.secret')}"\n`,
  });
  proxy.proxy.layers.events.on('test', 'OnlineAuthFailed', (e) => void authFailures.push(e));
});

after(async () => {
  await proxy?.stop();
  for (const b of backends.values()) await b.close();
  await session?.close();
  if (secretDir !== undefined) await rm(secretDir, { recursive: true, force: true });
});

function domainOf(version: string): string {
  return `${version.replace(/\./g, '-')}.auth.test`;
}

/** createClient options for a client that authenticates with the fake session server. */
function online(profile: { id: string; name: string }, sessionUrl = session.url): Record<string, unknown> {
  return {
    auth: 'mojang',
    session: { accessToken: `token-${profile.name}`, clientToken: 'client', selectedProfile: { id: profile.id.replace(/-/g, ''), name: profile.name } },
    skipValidation: true,
    profilesFolder: false,
    sessionServer: sessionUrl,
  };
}

/** The kick text of a rejected join (the reason is a JSON text component). */
async function kickOf(joining: Promise<unknown>): Promise<string> {
  const err = await joining.then(() => assert.fail('the player got in'), (e: unknown) => e);
  assert.ok(err instanceof KickError, `expected a kick, got ${String(err)}`);
  return plainText(JSON.parse(err.reason));
}

VERSIONS.forEach(({ version, forwarding, expectedVelocity }, i) => {
  const profile = PROFILES[i]!;
  test(`client_only ${version}: a verified player reaches play; hasJoined got the client's hash; the backend gets the verified UUID and signed textures (${forwarding})`, async () => {
    await join({ port: proxy.port, domain: domainOf(version), version, username: profile.name, extra: online(profile) });
    const posted = session.joins.filter((j) => j.name === profile.name);
    assert.equal(posted.length, 1, 'the client called /join once');
    const asked = session.hasJoinedQueries.filter((q) => q.get('username') === profile.name);
    assert.equal(asked.length, 1, 'the proxy asked hasJoined once');
    assert.equal(asked[0]!.get('serverId'), posted[0]!.serverId, 'the proxy computed the same server hash as the client');
    const backend = backends.get(version)!;
    const got = backend.joins.at(-1)!;
    assert.equal(got.refused, undefined);
    assert.equal(got.uuid, profile.id, 'the backend got the verified UUID, not an offline one');
    assert.equal(got.name, profile.name);
    assert.equal(got.address, '127.0.0.1');
    assert.deepEqual(got.properties, profile.properties, 'the signed textures property arrives unchanged');
    if (forwarding === 'velocity') {
      assert.equal(got.hmacValid, true);
      assert.equal(got.version, expectedVelocity);
    } else {
      assert.equal(got.host, domainOf(version));
    }
    assert.ok(backend.joined.includes(profile.name));
  });
});

test('a client that posted another server hash is kicked with "Failed to verify username!", logged at info with its name, OnlineAuthFailed fired', async () => {
  const backend = backends.get('1.21.4')!;
  const before = { joins: backend.joins.length, failures: authFailures.length };
  const kick = await kickOf(join({
    port: proxy.port, domain: domainOf('1.21.4'), version: '1.21.4', username: WRONG.name, extra: online(WRONG), timeoutMs: 8000,
    // The proxy sends serverId ""; a client hashing another id posts a hash the proxy never asks about.
    onClient: (client: mc.Client) => void client.prependListener('encryption_begin', (packet: { serverId: string }) => void (packet.serverId = 'elsewhere')),
  }));
  assert.equal(kick, 'Failed to verify username!');
  const posted = session.joins.filter((j) => j.name === WRONG.name).at(-1)!;
  const asked = session.hasJoinedQueries.filter((q) => q.get('username') === WRONG.name).at(-1)!;
  assert.notEqual(asked.get('serverId'), posted.serverId);
  assert.equal(backend.joins.length, before.joins, 'an unverified player never reaches the backend');
  const failed = authFailures.slice(before.failures);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.player.username, WRONG.name);
  assert.equal(failed[0]!.reason, 'Failed to verify username!');
  const lines = proxy.logs.filter((l) => l.level === 30 && l.player === WRONG.name && /authentication failed/.test(l.msg));
  assert.ok(lines.length >= 1, `an info line names the player: ${JSON.stringify(proxy.logs.slice(-5))}`);
  assert.ok(proxy.logs.every((l) => !JSON.stringify(l).includes(posted.serverId)), 'the server hash stays out of the log');
});

test('hasJoined answering 204 is "Failed to verify username!"; a 503 is "Authentication servers are down"', async () => {
  const profile = PROFILES[3]!;
  try {
    session.hasJoinedBehaviour = { status: 204 };
    assert.equal(await kickOf(join({ port: proxy.port, domain: domainOf('1.21.4'), version: '1.21.4', username: profile.name, extra: online(profile), timeoutMs: 8000 })), 'Failed to verify username!');
    session.hasJoinedBehaviour = { status: 503 };
    assert.match(await kickOf(join({ port: proxy.port, domain: domainOf('1.20.4'), version: '1.20.4', username: profile.name, extra: online(profile), timeoutMs: 8000 })), /^Authentication servers are down/);
  } finally {
    session.hasJoinedBehaviour = {};
  }
  // Nothing stuck: the same player gets in right after.
  await join({ port: proxy.port, domain: domainOf('1.21.4'), version: '1.21.4', username: profile.name, extra: online(profile) });
});

test('a session server that is down gives "Authentication servers are down", logged and fired as an auth failure', async () => {
  const gone = await startSessionServer();
  await gone.close();
  const backend = backends.get('1.21.4')!;
  const downProxy = await startProxy({
    servers: { down: serverToml(['down.auth.test'], [backend.port], 'proxy_mode = "client_only"\nforwarding_mode = "velocity"') },
    builtins: ['mojang-auth'],
    captureLogs: 'info',
    global: `[auth]\nsession_url = "${gone.hasJoinedUrl}"\n[forwarding]\nsecret_file = "${joinPath(secretDir, 'forwarding.secret')}"\n`,
  });
  try {
    const fired: EventMap['OnlineAuthFailed'][] = [];
    downProxy.proxy.layers.events.on('test', 'OnlineAuthFailed', (e) => void fired.push(e));
    const profile = PROFILES[3]!;
    const kick = await kickOf(join({ port: downProxy.port, domain: 'down.auth.test', version: '1.21.4', username: profile.name, extra: online(profile), timeoutMs: 8000 }));
    assert.equal(kick, 'Authentication servers are down. Please try again later, sorry!');
    assert.deepEqual(fired.map((e) => [e.player.username, e.reason]), [[profile.name, kick]]);
    assert.ok(downProxy.logs.some((l) => l.level === 30 && l.player === profile.name && /authentication failed/.test(l.msg)));
  } finally {
    await downProxy.stop();
  }
});
