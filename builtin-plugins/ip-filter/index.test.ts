import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EventMap } from '../../sdk/index.ts';
import { testContext } from 'infrarust/sdk/testing';
import plugin from './index.ts';

const cidr = (address: string, prefix: number) => ({ address, prefix, family: address.includes(':') ? 'ipv6' : 'ipv4' });
const section = (whitelist: ReturnType<typeof cidr>[] = [], blacklist: ReturnType<typeof cidr>[] = []) => Object.freeze({ whitelist, blacklist });
const accept = (remoteAddress: string) => ({ connectionId: 1, remoteAddress, remotePort: 40000, localPort: 25565 });
const handshake = (remoteAddress: string, serverId?: string): EventMap['ConnectionHandshake'] => ({
  conn: { connectionId: 1, remoteAddress, remotePort: 40000 },
  domain: 'x.test',
  serverId,
  protocolVersion: 769,
  intent: 'login',
});

test('without global rules no transport filter is registered', async () => {
  const t = testContext({}, { id: 'ip-filter' }, { config: { ip_filter: section() } });
  await plugin.setup(t.ctx);
  assert.equal(t.transportFilters.length, 0);
});

test('global rules reject at accept; the blacklist applies inside the whitelist', async () => {
  const t = testContext({}, { id: 'ip-filter' }, { config: { ip_filter: section([cidr('127.0.0.0', 8), cidr('::1', 128)], [cidr('127.0.0.2', 32)]) } });
  await plugin.setup(t.ctx);
  const [filter] = t.transportFilters;
  assert.equal((await filter.onAccept!(accept('127.0.0.1'))).type, 'continue');
  assert.equal((await filter.onAccept!(accept('::ffff:127.0.0.1'))).type, 'continue');
  assert.equal((await filter.onAccept!(accept('::1'))).type, 'continue');
  assert.equal((await filter.onAccept!(accept('127.0.0.2'))).type, 'reject');
  assert.equal((await filter.onAccept!(accept('10.0.0.1'))).type, 'reject');
});

test('a broken global section fails setup (the proxy will not start without its filter)', async () => {
  const t = testContext({}, { id: 'ip-filter' }, { config: { ip_filter: { whitelist: [{ address: 'bad', prefix: 8, family: 'ipv4' }] } } });
  await assert.rejects(async () => plugin.setup(t.ctx));
});

test('per-server rules drop silently after routing and follow the current server section', async () => {
  const servers: Record<string, Record<string, unknown>> = { strict: { ip_filter: section([], [cidr('127.0.0.2', 32)]) }, open: { ip_filter: section() } };
  const t = testContext({}, { id: 'ip-filter' }, { servers });
  await plugin.setup(t.ctx);
  assert.deepEqual((await t.fire('ConnectionHandshake', handshake('127.0.0.2', 'strict'))).result, { type: 'drop-silently' });
  assert.equal((await t.fire('ConnectionHandshake', handshake('127.0.0.1', 'strict'))).result, undefined);
  assert.equal((await t.fire('ConnectionHandshake', handshake('127.0.0.2', 'open'))).result, undefined);
  assert.equal((await t.fire('ConnectionHandshake', handshake('127.0.0.2'))).result, undefined, 'unknown domain: only global rules');
  servers.strict = { ip_filter: section([cidr('10.0.0.0', 8)]) }; // the file was reloaded
  await t.fire('ConfigReload', { servers: Object.keys(servers) });
  assert.deepEqual((await t.fire('ConnectionHandshake', handshake('127.0.0.1', 'strict'))).result, { type: 'drop-silently' });
  servers.strict = { ip_filter: { whitelist: 'garbage' } };
  await t.fire('ConfigReload', { servers: Object.keys(servers) });
  assert.deepEqual((await t.fire('ConnectionHandshake', handshake('10.0.0.1', 'strict'))).result, { type: 'drop-silently' }, 'fail closed');
  assert.equal(t.logs.filter((l) => l.level === 'error').length, 1);
});

test('rules added to a server by a reload apply to the next handshake; none anywhere skips the lookup', async () => {
  const servers: Record<string, Record<string, unknown>> = { lobby: {} };
  const t = testContext({}, { id: 'ip-filter' }, { servers });
  await plugin.setup(t.ctx);
  assert.equal((await t.fire('ConnectionHandshake', handshake('127.0.0.2', 'lobby'))).result, undefined);
  servers.lobby = { ip_filter: section([], [cidr('127.0.0.2', 32)]) };
  await t.fire('ConfigReload', { servers: ['lobby'] });
  assert.deepEqual((await t.fire('ConnectionHandshake', handshake('127.0.0.2', 'lobby'))).result, { type: 'drop-silently' });
  servers.lobby = {};
  await t.fire('ConfigReload', { servers: ['lobby'] });
  assert.equal((await t.fire('ConnectionHandshake', handshake('127.0.0.2', 'lobby'))).result, undefined);
});
