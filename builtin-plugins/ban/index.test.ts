import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionSummary } from 'infrarust/sdk';
import { testContext } from 'infrarust/sdk/testing';
import plugin from './index.ts';
import { decodeBanFile } from './storage.ts';

const player = (username: string, extra: { uuid?: string; ip?: string } = {}) => ({
  connectionId: 1, username, uuid: extra.uuid, remoteAddress: extra.ip ?? '198.51.100.1', protocolVersion: 769,
});
const conn = (ip: string) => ({ connectionId: 1, remoteAddress: ip, remotePort: 40000, localPort: 25565 });

async function loaded(options: { file?: string; connections?: ConnectionSummary[]; section?: Record<string, unknown> } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'ban-plugin-'));
  const file = options.file ?? join(dir, 'bans.json');
  const t = testContext({}, { id: 'ban' }, { config: { ban: { file, purge_interval: 1000, enable_audit_log: true, ...options.section } } });
  const ctx: typeof t.ctx = { ...t.ctx, dataDir: dir, proxy: { ...t.ctx.proxy, connections: () => options.connections ?? [] } };
  await plugin.setup(ctx);
  const service = t.services.get('ban');
  const done = async () => {
    await plugin.teardown?.();
    await rm(dir, { recursive: true, force: true });
  };
  return { t, ctx, file, dir, service: service!, done };
}

test('registers a PreLogin gate, the service, six commands and the purge task; the accept filter only while address bans exist', async () => {
  const p = await loaded();
  try {
    assert.equal(p.t.transportFilters.length, 0, 'no address bans: accepts stay free of this plugin');
    assert.ok(p.service);
    assert.deepEqual([...p.t.commands.keys()].sort(), ['ban', 'ban-ip', 'baninfo', 'banlist', 'unban', 'unban-ip']);
    assert.equal(p.t.liveRegistrations(), 1 + 1 + 6 + 1);
    await p.service.ban({ type: 'username', value: 'NameOnly' });
    assert.equal(p.t.transportFilters.length, 0);
    await p.service.ban({ type: 'ip_range', value: '203.0.113.0/24' });
    await p.service.ban({ type: 'ip', value: '198.51.100.9' });
    assert.deepEqual(p.t.transportFilters.map((f) => f.id), ['ban:address']);
    await p.service.unban({ type: 'ip_range', value: '203.0.113.0/24' });
    assert.equal(p.t.transportFilters.length, 1, 'one address ban left');
    await p.service.unban({ type: 'ip', value: '198.51.100.9' });
    assert.equal(p.t.transportFilters.length, 0);
  } finally {
    await p.done();
  }
});

test('an address ban in the file at startup registers the accept filter', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ban-file-'));
  const file = join(dir, 'bans.json');
  await writeFile(file, JSON.stringify({ bans: [{ target: { type: 'ip', value: '203.0.113.7' }, reason: null, expires_at: null, created_at: 1_700_000_000, source: 'console' }], audit_log: [] }));
  const p = await loaded({ file });
  try {
    assert.equal((await p.t.transportFilters[0].onAccept!(conn('203.0.113.7'))).type, 'reject');
  } finally {
    await p.done();
    await rm(dir, { recursive: true, force: true });
  }
});

test('addresses and ranges are refused at accept; names and UUIDs are denied at PreLogin with the reason', async () => {
  const p = await loaded();
  try {
    await p.service.ban({ type: 'ip', value: '203.0.113.7' });
    await p.service.ban({ type: 'ip_range', value: '10.0.0.0/8' });
    await p.service.ban({ type: 'username', value: 'Griefer' }, { reason: 'griefing' });
    await p.service.ban({ type: 'uuid', value: '069a79f444e94726a5befca90e38aaf5' }, { reason: 'alt', durationMs: 3_600_000 });
    const filter = p.t.transportFilters[0];
    assert.equal((await filter.onAccept!(conn('203.0.113.7'))).type, 'reject');
    assert.equal((await filter.onAccept!(conn('::ffff:10.2.3.4'))).type, 'reject');
    assert.equal((await filter.onAccept!(conn('192.0.2.1'))).type, 'continue');
    const byName = await p.t.fire('PreLogin', { player: player('GRIEFER'), serverId: 'lobby' });
    assert.equal(byName.result?.type, 'denied');
    assert.match((byName.result as { reason: string }).reason, /Reason: §fgriefing\n§7This ban is permanent/);
    const byUuid = await p.t.fire('PreLogin', { player: player('alt', { uuid: '069A79F4-44E9-4726-A5BE-FCA90E38AAF5' }), serverId: 'lobby' });
    assert.match((byUuid.result as { reason: string }).reason, /Reason: §falt\n§7Expires in §f(1h|59m 59s)/);
    const viaProxyHeader = await p.t.fire('PreLogin', { player: player('bob', { ip: '10.0.0.9' }), serverId: 'lobby' });
    assert.equal(viaProxyHeader.result?.type, 'denied', 'the login-time address is checked too');
    assert.equal((await p.t.fire('PreLogin', { player: player('alice'), serverId: 'lobby' })).result, undefined);
  } finally {
    await p.done();
  }
});

test('a lookup that throws fails closed', async () => {
  const p = await loaded();
  try {
    await p.service.ban({ type: 'ip', value: '203.0.113.7' });
    const filter = p.t.transportFilters[0];
    const weird = { ...conn('x'), get remoteAddress(): string { throw new Error('boom'); } };
    assert.equal((await filter.onAccept!(weird)).type, 'reject');
    const badPlayer = { ...player('x'), get username(): string { throw new Error('boom'); } };
    assert.equal((await p.t.fire('PreLogin', { player: badPlayer, serverId: 'lobby' })).result?.type, 'denied');
  } finally {
    await p.done();
  }
});

test('banning disconnects matching connected players by address, range, name and UUID', async () => {
  const connections: ConnectionSummary[] = [
    { connectionId: 1, remoteAddress: '198.51.100.1', phase: 'relay', username: 'Victim' },
    { connectionId: 2, remoteAddress: '::ffff:10.0.1.1', phase: 'accepted' },
    { connectionId: 3, remoteAddress: '198.51.100.3', phase: 'login', username: 'other', uuid: '853c80ef3c3749fdaa49938b674adae6' },
    { connectionId: 4, remoteAddress: '198.51.100.4', phase: 'relay', username: 'bystander' },
  ];
  const p = await loaded({ connections });
  try {
    await p.service.ban({ type: 'username', value: 'victim' }, { reason: 'bye' });
    await p.service.ban({ type: 'ip_range', value: '10.0.0.0/16' });
    await p.service.ban({ type: 'uuid', value: '853c80ef-3c37-49fd-aa49-938b674adae6' });
    assert.deepEqual(p.t.disconnected.map((d) => d.connectionId), [1, 2, 3]);
    assert.match(p.t.disconnected[0].reason, /bye/);
  } finally {
    await p.done();
  }
});

test('a connection already denied at PreLogin is not kicked a second time', async () => {
  const connections: ConnectionSummary[] = [{ connectionId: 7, remoteAddress: '198.51.100.7', phase: 'login', username: 'Twice' }];
  const p = await loaded({ connections });
  try {
    await p.service.ban({ type: 'username', value: 'twice' });
    assert.deepEqual(p.t.disconnected.map((d) => d.connectionId), [7]);
    await p.service.ban({ type: 'ip', value: '198.51.100.7' });
    assert.deepEqual(p.t.disconnected.map((d) => d.connectionId), [7], 'the kernel is already ending it');
    const denied = await p.t.fire('PreLogin', { player: { ...player('Twice'), connectionId: 8 }, serverId: 'lobby' });
    assert.equal(denied.result?.type, 'denied');
    connections.push({ connectionId: 8, remoteAddress: '198.51.100.8', phase: 'login', username: 'Twice' });
    await p.service.ban({ type: 'username', value: 'Twice' }, { reason: 'again' });
    assert.deepEqual(p.t.disconnected.map((d) => d.connectionId), [7]);
  } finally {
    await p.done();
  }
});

test('changes are written to bans.json; the purge task removes expired bans and writes', async () => {
  const p = await loaded();
  try {
    await p.service.ban({ type: 'username', value: 'Short' }, { durationMs: 1 });
    await p.service.ban({ type: 'username', value: 'Long' }, { source: 'plugin:test' });
    let data = decodeBanFile(await readFile(p.file, 'utf8'), p.file);
    assert.deepEqual(data.bans.map((b) => b.target.value), ['Short', 'Long']);
    assert.equal((await stat(p.file)).mode & 0o777, 0o644 & ~process.umask(), "v2's mode: readable by other tools");
    await new Promise((r) => setTimeout(r, 1100));
    await p.t.runTasks();
    await plugin.teardown?.();
    data = decodeBanFile(await readFile(p.file, 'utf8'), p.file);
    assert.deepEqual(data.bans.map((b) => b.target.value), ['Long']);
    assert.deepEqual(data.audit_log.map((a) => a.action), ['ban', 'ban', 'expired']);
    assert.ok(await p.service.unban({ type: 'username', value: 'long' }));
    data = decodeBanFile(await readFile(p.file, 'utf8'), p.file);
    assert.deepEqual(data.bans, []);
    assert.equal(data.audit_log.at(-1)?.action, 'unban');
  } finally {
    await p.done();
  }
});

test('a corrupt ban file makes setup throw naming the file, so the critical plugin stops the proxy', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ban-corrupt-'));
  const file = join(dir, 'bans.json');
  await writeFile(file, '{"bans": [ {"target": ');
  try {
    await assert.rejects(loaded({ file }), (err: Error) => err.message.includes(file) && /not valid JSON/.test(err.message));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('without a [ban] section it loads with the defaults (bans.json in the data dir)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'ban-default-'));
  const t = testContext({}, { id: 'ban' });
  try {
    await plugin.setup({ ...t.ctx, dataDir: dir });
    const service = t.services.get('ban')!;
    await service.ban({ type: 'username', value: 'x' });
    assert.ok((await readFile(join(dir, 'bans.json'), 'utf8')).includes('"x"'));
    assert.ok(t.logs.some((l) => /v2 defaults/.test(l.msg)));
  } finally {
    await plugin.teardown?.();
    await rm(dir, { recursive: true, force: true });
  }
});

test('provider "none" turns the builtin list off', async () => {
  const t = testContext({}, { id: 'ban' }, { config: { ban: { provider: 'none', file: '/nonexistent/bans.json' } } });
  await plugin.setup(t.ctx);
  assert.equal(t.liveRegistrations(), 0);
});
