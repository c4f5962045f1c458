// The real plugin, loaded with the test kit, against a fake session server on 127.0.0.1 that
// speaks the documented hasJoined API.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { testContext } from 'infrarust/sdk/testing';
import type { AuthRequest } from '../../sdk/index.ts';
import { startSessionServer, texturesProperty, type SessionServer } from '../../test/helpers/session-server.ts';
import plugin from './index.ts';
import { AuthSchema, MOJANG_HAS_JOINED } from './options.ts';

const NOTCH = { id: '069a79f4-44e9-4726-a5be-fca90e38aaf5', name: 'Notch' };
const HASH = '-7c9d5b0044c130109a5d7b5fb5c317c02b4e28c1';
const request = (over: Partial<AuthRequest> = {}): AuthRequest => ({ username: NOTCH.name, serverHash: HASH, remoteAddress: '203.0.113.7', ...over });

let session: SessionServer;
before(async () => {
  session = await startSessionServer();
  session.markJoined({ ...NOTCH, properties: [texturesProperty(NOTCH), { name: 'unsigned_extra', value: 'x' }] }, HASH);
});
after(() => session.close());
beforeEach(() => {
  session.hasJoinedBehaviour = {};
  session.hasJoinedQueries.length = 0;
});

async function load(auth: Record<string, unknown> = {}) {
  const t = testContext({}, { id: 'mojang-auth' }, { config: { auth: AuthSchema.parse({ session_url: session.hasJoinedUrl, ...auth }) } });
  await plugin.setup(t.ctx);
  const authenticator = t.services.get('authenticator');
  assert.ok(authenticator, 'the plugin provides the authenticator service');
  return { t, authenticator };
}

const reasonOf = (outcome: { ok: boolean; reason?: string }) => (outcome.ok ? assert.fail('expected a failure') : outcome.reason);
const failures = (t: { logs: { level: string; msg: string }[] }) => t.logs.filter((l) => l.level === 'info' && l.msg.startsWith('authentication failed'));

test('a joined player is verified: dashed lowercase UUID, name, properties with their signatures', async () => {
  const { t, authenticator } = await load();
  const outcome = await authenticator.authenticate(request());
  assert.ok(outcome.ok);
  assert.deepEqual(outcome.profile, { uuid: NOTCH.id, name: 'Notch', properties: [texturesProperty(NOTCH), { name: 'unsigned_extra', value: 'x' }] });
  assert.ok(outcome.profile.properties[0]!.signature, 'the textures signature is kept for forwarding');
  const query = session.hasJoinedQueries[0]!;
  assert.deepEqual([...query.keys()], ['username', 'serverId'], 'no ip without prevent_proxy_connections');
  assert.equal(query.get('serverId'), HASH);
  assert.deepEqual(failures(t), []);
});

test('a wrong server hash is "Failed to verify username!", logged at info with the player name but not the hash', async () => {
  const { t, authenticator } = await load();
  assert.equal(reasonOf(await authenticator.authenticate(request({ serverHash: '1a2b3c' }))), 'Failed to verify username!');
  assert.equal(reasonOf(await authenticator.authenticate(request({ username: 'jeb_' }))), 'Failed to verify username!');
  assert.equal(failures(t).length, 2);
  assert.ok(t.logs.every((l) => !l.msg.includes('1a2b3c') && !l.msg.includes(HASH)));
});

test('4xx and an empty 200 mean "not verified"; 5xx and 429 mean the servers are down', async () => {
  const { authenticator } = await load();
  for (const [behaviour, reason] of [
    [{ status: 403 }, 'Failed to verify username!'],
    [{ status: 200, body: '' }, 'Failed to verify username!'],
    [{ status: 500 }, 'Authentication servers are down. Please try again later, sorry!'],
    [{ status: 503, body: '<html>maintenance</html>' }, 'Authentication servers are down. Please try again later, sorry!'],
    [{ status: 429 }, 'Authentication servers are down. Please try again later, sorry!'],
  ] as const) {
    session.hasJoinedBehaviour = behaviour;
    assert.equal(reasonOf(await authenticator.authenticate(request())), reason, JSON.stringify(behaviour));
  }
});

test('a session server that is down is a failure with the "servers are down" reason', async () => {
  const gone = await startSessionServer();
  await gone.close();
  const { t, authenticator } = await load({ session_url: gone.hasJoinedUrl });
  assert.equal(reasonOf(await authenticator.authenticate(request())), 'Authentication servers are down. Please try again later, sorry!');
  assert.equal(failures(t).length, 1);
});

test('a slow session server times out after about `timeout` with a clear reason', async () => {
  const { authenticator } = await load({ timeout: '300ms' });
  session.hasJoinedBehaviour = { delayMs: 5_000 };
  const started = performance.now();
  const reason = reasonOf(await authenticator.authenticate(request()));
  const elapsed = performance.now() - started;
  assert.equal(reason, 'The authentication server did not answer in time; try again.');
  assert.ok(elapsed >= 250 && elapsed < 1_500, `settled after ${Math.round(elapsed)} ms`);
});

test('prevent_proxy_connections sends the player address as ip (IPv4-mapped addresses unmapped)', async () => {
  const { authenticator } = await load({ prevent_proxy_connections: true });
  assert.ok((await authenticator.authenticate(request({ remoteAddress: '::ffff:198.51.100.4' }))).ok);
  await authenticator.authenticate(request({ remoteAddress: '2001:db8::7' }));
  assert.deepEqual(session.hasJoinedQueries.map((q) => q.get('ip')), ['198.51.100.4', '2001:db8::7']);
});

test('a malformed answer is a failure with a reason, never a crash', async () => {
  const { t, authenticator } = await load();
  const bodies = [
    '{"id": "069a79f4',
    'null',
    JSON.stringify({ id: 'not-a-uuid', name: 'Notch', properties: [] }),
    JSON.stringify({ id: '069a79f444e94726a5befca90e38aaf5', name: 'A'.repeat(17), properties: [] }),
    JSON.stringify({ id: '069a79f444e94726a5befca90e38aaf5', name: 'Notch', properties: [{ name: 'textures' }] }),
    JSON.stringify({ id: '069a79f444e94726a5befca90e38aaf5', name: 'Notch', properties: [{ name: 'big', value: 'x'.repeat(300_000) }] }),
  ];
  for (const body of bodies) {
    session.hasJoinedBehaviour = { body };
    assert.equal(reasonOf(await authenticator.authenticate(request())), 'Authentication servers are down. Please try again later, sorry!', body.slice(0, 80));
  }
  assert.equal(failures(t).length, bodies.length);
});

test('a profile without properties, and an id the server sent dashed, are accepted', async () => {
  const { authenticator } = await load();
  session.hasJoinedBehaviour = { body: JSON.stringify({ id: NOTCH.id.toUpperCase(), name: 'Notch' }) };
  const outcome = await authenticator.authenticate(request());
  assert.deepEqual(outcome.ok && outcome.profile, { uuid: NOTCH.id, name: 'Notch', properties: [] });
});

test('offlineUuid: "offline" is vanilla\'s offline UUID; "client" keeps the client\'s UUID when it sent one', async () => {
  const offline = (await load()).authenticator;
  assert.equal(offline.offlineUuid?.('Notch', undefined), 'b50ad385-829d-3141-a216-7e7d7539ba7f');
  assert.equal(offline.offlineUuid?.('Notch', NOTCH.id), 'b50ad385-829d-3141-a216-7e7d7539ba7f');
  const client = (await load({ offline_uuid: 'client' })).authenticator;
  assert.equal(client.offlineUuid?.('Notch', '069A79F444E94726A5BEFCA90E38AAF5'), NOTCH.id);
  assert.equal(client.offlineUuid?.('Notch', undefined), 'b50ad385-829d-3141-a216-7e7d7539ba7f');
  assert.equal(client.offlineUuid?.('Notch', 'garbage'), 'b50ad385-829d-3141-a216-7e7d7539ba7f');
});

test('unloading aborts a request in flight and withdraws the service', async () => {
  const { t, authenticator } = await load({ timeout: '30s' });
  session.hasJoinedBehaviour = { delayMs: 10_000 };
  const started = performance.now();
  const pending = authenticator.authenticate(request());
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(session.hasJoinedQueries.length, 1, 'the request reached the session server');
  t.unload();
  assert.equal(reasonOf(await pending), 'Authentication was interrupted (the proxy is reloading); try again.');
  assert.ok(performance.now() - started < 1_000);
  assert.equal(t.services.get('authenticator'), undefined);
  assert.equal(t.liveRegistrations(), 0);
  assert.equal(reasonOf(await authenticator.authenticate(request())), 'Authentication was interrupted (the proxy is reloading); try again.', 'a stale reference fails closed');
});

test('the [auth] schema: defaults, and bad values refused', () => {
  assert.deepEqual(AuthSchema.parse({}), { session_url: MOJANG_HAS_JOINED, timeout: 5_000, prevent_proxy_connections: false, offline_uuid: 'offline' });
  assert.equal(AuthSchema.parse({ session_url: 'https://sessionserver.ely.by/session/minecraft/hasJoined' }).session_url, 'https://sessionserver.ely.by/session/minecraft/hasJoined');
  for (const bad of [{ session_url: 'ftp://x.test/hasJoined' }, { session_url: 'nope' }, { timeout: '0s' }, { timeout: '5' }, { offline_uuid: 'random' }, { prevent_proxy: true }]) {
    assert.equal(AuthSchema.safeParse(bad).success, false, JSON.stringify(bad));
  }
});

test('without a section (outside a proxy) it uses Mojang\'s session server', async () => {
  const t = testContext({}, { id: 'mojang-auth' });
  await plugin.setup(t.ctx);
  assert.ok(t.services.get('authenticator'));
  assert.ok(t.logs.some((l) => l.level === 'debug' && l.msg === 'verifying players with Mojang'));
  t.unload();
});
