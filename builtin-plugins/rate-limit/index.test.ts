import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deny, type EventMap } from '../../sdk/index.ts';
import { testContext } from 'infrarust/sdk/testing';
import plugin from './index.ts';
import { RateLimitSchema } from './options.ts';

const settings = (over: Record<string, unknown> = {}) =>
  Object.freeze({ enabled: true, max_connections: 3, window: 10_000, status_max: 2, status_window: 10_000, ...over });
const hs = (remoteAddress: string, intent: EventMap['ConnectionHandshake']['intent']): EventMap['ConnectionHandshake'] => ({
  conn: { connectionId: 1, remoteAddress, remotePort: 40000 },
  domain: 'x.test',
  serverId: 'lobby',
  protocolVersion: 769,
  intent,
});

async function setup(section: unknown) {
  const t = testContext({}, { id: 'rate-limit' }, { config: section === undefined ? {} : { rate_limit: section } });
  await plugin.setup(t.ctx);
  return t;
}

test('explicitly disabled, or both budgets 0: nothing is registered', async () => {
  assert.equal((await setup(settings({ enabled: false }))).liveRegistrations(), 0);
  assert.equal((await setup(settings({ max_connections: 0, status_max: 0 }))).liveRegistrations(), 0);
});

test('on by default: an absent section, or one that sets limits without `enabled`, limits', async () => {
  const absent = await setup(undefined);
  for (let i = 0; i < 20; i++) assert.equal((await absent.fire('ConnectionHandshake', hs('10.0.0.1', 'login'))).result, undefined, `login ${i + 1} of the default 20`);
  assert.equal((await absent.fire('ConnectionHandshake', hs('10.0.0.1', 'login'))).result?.type, 'denied');
  const written = await setup(RateLimitSchema.parse({ max_connections: 3, window: '20s' }));
  for (let i = 0; i < 3; i++) await written.fire('ConnectionHandshake', hs('10.0.0.1', 'login'));
  assert.equal((await written.fire('ConnectionHandshake', hs('10.0.0.1', 'login'))).result?.type, 'denied', 'the 4th login is refused');
});

test('the 4th login from one IP is denied with a reason; another IP and pings are unaffected', async () => {
  const t = await setup(settings());
  for (let i = 0; i < 3; i++) assert.equal((await t.fire('ConnectionHandshake', hs('10.0.0.1', i === 1 ? 'transfer' : 'login'))).result, undefined);
  const r = (await t.fire('ConnectionHandshake', hs('10.0.0.1', 'login'))).result;
  assert.equal(r?.type, 'denied');
  assert.match(r?.type === 'denied' ? r.reason : '', /^§cToo many connection attempts, try again in [1-4]s$/);
  assert.equal((await t.fire('ConnectionHandshake', hs('10.0.0.2', 'login'))).result, undefined);
  assert.equal((await t.fire('ConnectionHandshake', hs('10.0.0.1', 'status'))).result, undefined);
});

test('pings over status_max close silently; legacy counts as a ping; IPv6 shares a /64', async () => {
  const t = await setup(settings());
  assert.equal((await t.fire('ConnectionHandshake', hs('2001:db8::1', 'status'))).result, undefined);
  assert.equal((await t.fire('ConnectionHandshake', hs('2001:db8::2', 'legacy'))).result, undefined);
  assert.deepEqual((await t.fire('ConnectionHandshake', hs('2001:db8::3', 'status'))).result, { type: 'drop-silently' });
  assert.equal((await t.fire('ConnectionHandshake', hs('2001:db8:0:1::1', 'status'))).result, undefined, 'another /64');
});

test('a budget of 0 disables only that budget', async () => {
  const t = await setup(settings({ max_connections: 0 }));
  for (let i = 0; i < 10; i++) assert.equal((await t.fire('ConnectionHandshake', hs('10.0.0.1', 'login'))).result, undefined);
  await t.fire('ConnectionHandshake', hs('10.0.0.1', 'status'));
  await t.fire('ConnectionHandshake', hs('10.0.0.1', 'status'));
  assert.deepEqual((await t.fire('ConnectionHandshake', hs('10.0.0.1', 'status'))).result, { type: 'drop-silently' });
});

test('an earlier refusal is kept; the sweep task is registered', async () => {
  const t = await setup(settings({ max_connections: 1 }));
  t.ctx.events.on('ConnectionHandshake', () => deny('§cbanned'), { priority: 0 });
  const r = (await t.fire('ConnectionHandshake', hs('10.0.0.9', 'login'))).result;
  assert.deepEqual(r, { type: 'denied', reason: '§cbanned' });
  assert.deepEqual((await t.fire('ConnectionHandshake', hs('10.0.0.9', 'login'))).result, { type: 'denied', reason: '§cbanned' });
  await t.runTasks();
});

test('a malformed section fails setup', async () => {
  await assert.rejects(async () => setup({ enabled: true, max_connections: -1 }));
});

test('the schema: on unless `enabled = false`; v2 files keep loading', () => {
  assert.deepEqual(RateLimitSchema.parse({}), { enabled: true, max_connections: 20, window: 10_000, status_max: 300, status_window: 10_000 });
  assert.equal(RateLimitSchema.parse({ enabled: false }).enabled, false, 'a v2 file that turned it off keeps it off');
  assert.deepEqual(RateLimitSchema.parse({ max_connections: 3, window: '20s' }), { enabled: true, max_connections: 3, window: 20_000, status_max: 300, status_window: 10_000 });
  // v2 accepted zero windows while disabled (its default): without `enabled` they turn that budget off.
  assert.deepEqual(RateLimitSchema.parse({ window: '0s' }).window, 0);
  assert.equal(RateLimitSchema.parse({ enabled: false, window: '0s' }).enabled, false);
  assert.equal(RateLimitSchema.safeParse({ enabled: true, window: '0s' }).success, false, 'enabled = true with a zero window is refused, as in v2');
});

test('a zero window written without `enabled` turns only that budget off', async () => {
  const t = await setup(RateLimitSchema.parse({ window: '0s', status_max: 1 }));
  for (let i = 0; i < 30; i++) assert.equal((await t.fire('ConnectionHandshake', hs('10.0.0.1', 'login'))).result, undefined);
  await t.fire('ConnectionHandshake', hs('10.0.0.1', 'status'));
  assert.deepEqual((await t.fire('ConnectionHandshake', hs('10.0.0.1', 'status'))).result, { type: 'drop-silently' });
});
