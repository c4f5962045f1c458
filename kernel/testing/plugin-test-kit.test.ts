// The kit runs the proxy's own EventBus, registries and context: these pin the semantics a plugin
// test gets from it (the old in-memory double had none of them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { allow, deny, type EventMap } from '../../sdk/index.ts';
import { testContext } from 'infrarust/sdk/testing';

const conn = { connectionId: 1, remoteAddress: '203.0.113.7', remotePort: 40000 };
const handshake = (): EventMap['ConnectionHandshake'] => ({ conn, domain: 'a.test', protocolVersion: 769, intent: 'login' });
const player = { connectionId: 1, username: 'Steve', remoteAddress: '203.0.113.7', protocolVersion: 769 };

test('a throwing access listener denies (fail closed), stops the chain and is logged', async () => {
  const kit = testContext({});
  let later = 0;
  kit.ctx.events.on('ConnectionHandshake', function broken() {
    throw new Error('boom');
  });
  kit.ctx.events.on('ConnectionHandshake', () => void later++, { priority: 255 });
  const event = await kit.fire('ConnectionHandshake', handshake());
  assert.deepEqual(event.result, { type: 'denied', reason: 'Internal error' });
  assert.equal(later, 0, 'listeners after the failed one do not run');
  assert.ok(kit.logs.some((l) => l.level === 'error' && /fail closed/.test(l.msg)));
});

test('a listener returning something that is not a result counts as failed', async () => {
  const kit = testContext({});
  kit.ctx.events.on('PreLogin', () => 'deny' as never);
  assert.equal((await kit.fire('PreLogin', { player, serverId: 'lobby' })).result?.type, 'denied', 'access: fail closed');
  const response = { version: { name: '1.21.4', protocol: 769 }, players: { max: 1, online: 0 }, description: 'motd' };
  kit.ctx.events.on('ProxyPing', () => ({ reason: 'no type' }) as never);
  const ping = await kit.fire('ProxyPing', { conn, domain: 'a.test', response });
  assert.equal((ping as { result?: unknown }).result, undefined, 'resulted: the bad listener is skipped');
  assert.equal(kit.logs.filter((l) => l.level === 'error').length, 2);
});

test("an observer event ignores what its listeners return; results flow through later listeners", async () => {
  const kit = testContext({});
  kit.ctx.events.on('ServerSwitch', () => deny('ignored') as never);
  const event = await kit.fire('ServerSwitch', { player, previous: 'a', next: 'b' });
  assert.equal('result' in event, false);
  const seen: unknown[] = [];
  kit.ctx.events.on('PreLogin', () => deny('§cbanned'), { priority: 0 });
  kit.ctx.events.on('PreLogin', (e) => void seen.push(e.result));
  assert.deepEqual((await kit.fire('PreLogin', { player, serverId: 'lobby' })).result, deny('§cbanned'));
  assert.deepEqual(seen, [deny('§cbanned')]);
});

test('an async access listener that does not settle in time is denied', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const kit = testContext({});
  kit.ctx.events.on('ServerPreConnect', () => new Promise<undefined>(() => {}));
  const pending = kit.fire('ServerPreConnect', { player, serverId: 'lobby' });
  t.mock.timers.tick(10_000);
  assert.deepEqual((await pending).result, { type: 'denied', reason: 'Internal error' });
});

test('onPacket selectors apply: other packets do not reach the listener', async () => {
  const kit = testContext({});
  const ids: number[] = [];
  kit.ctx.events.onPacket({ direction: 'serverbound', state: 'play', packetId: 0x07 }, (e) => void ids.push(e.packetId));
  const packet = (packetId: number): EventMap['RawPacket'] => ({ player, direction: 'serverbound', state: 'play', packetId, data: new Uint8Array() });
  await kit.fire('RawPacket', packet(0x08));
  await kit.fire('RawPacket', packet(0x07));
  assert.deepEqual(ids, [0x07]);
});

test('every registration is in the ledger and undone by its unregister function', async () => {
  const kit = testContext({}, { id: 'kit' });
  const { ctx } = kit;
  const undo = [
    ctx.events.on('PreLogin', () => allow()),
    ctx.events.onPacket({ direction: 'clientbound', state: 'play', packetId: 1 }, () => undefined),
    ctx.transport.register({ id: 'kit:t', onAccept: () => ({ type: 'continue' }) }),
    ctx.codec.register({ id: 'kit:c', create: () => ({ filter: () => ({ type: 'pass' }) }) }),
    ctx.limbo.register({ name: 'kit-limbo', onPlayerEnter: () => ({ type: 'accept' }) }),
    ctx.commands.register({ name: 'hello', aliases: ['hi'], execute: (source) => source.reply('hi') }),
    ctx.services.provide('kit-service' as never, {} as never), // a name no plugin declared in ServiceMap
    ctx.scheduler.delay(1000, () => {}).cancel,
    ctx.scheduler.interval(1000, () => {}).cancel,
  ];
  assert.equal(kit.liveRegistrations(), undo.length);
  assert.deepEqual([kit.transportFilters.length, kit.codecFilters.length, kit.limboHandlers.size, kit.services.size], [1, 1, 1, 1]);
  assert.deepEqual([...kit.commands.keys()], ['hello'], 'commands by name, not aliases');
  assert.deepEqual(ctx.commands.list(), [{ name: 'hello', aliases: ['hi'], description: undefined, usage: undefined, plugin: 'kit' }]);
  for (const u of undo) u();
  undo[0]();
  assert.equal(kit.liveRegistrations(), 0);
  assert.deepEqual([kit.transportFilters.length, kit.codecFilters.length, kit.limboHandlers.size, kit.services.size, kit.commands.size], [0, 0, 0, 0, 0]);
  assert.equal((await kit.fire('PreLogin', { player, serverId: 'lobby' })).result, undefined);
});

test('scheduled tasks run on runTasks(): a delay once, an interval each time, a failure is logged', async () => {
  const kit = testContext({});
  const runs = { delay: 0, interval: 0 };
  kit.ctx.scheduler.delay(60_000, () => void runs.delay++);
  kit.ctx.scheduler.interval(60_000, async () => void runs.interval++);
  kit.ctx.scheduler.interval(60_000, async () => {
    throw new Error('task bug');
  });
  await kit.runTasks();
  await kit.runTasks();
  assert.deepEqual(runs, { delay: 1, interval: 2 });
  assert.equal(kit.liveRegistrations(), 2, 'the delay is gone once it ran');
  assert.equal(kit.logs.filter((l) => l.msg === 'scheduled task failed').length, 2);
});

test('sections and server sections come from the TestProxy; the data dir is created on first use', async () => {
  const servers: Record<string, Record<string, unknown>> = { lobby: { limit: { max: 1 } } };
  const kit = testContext({}, {}, { config: { limit: { max: 5 } }, servers });
  assert.deepEqual(kit.ctx.sections, { limit: { max: 5 } });
  assert.ok(Object.isFrozen(kit.ctx.sections));
  assert.deepEqual(kit.ctx.serverSection('lobby', 'limit'), { max: 1 });
  servers.lobby = { limit: { max: 2 } };
  assert.deepEqual(kit.ctx.serverSection('lobby', 'limit'), { max: 2 }, 'read at each call, like a reloaded server file');
  assert.equal(kit.ctx.serverSection('nope', 'limit'), undefined);
  assert.deepEqual(kit.ctx.proxy.servers().map((s) => s.id), ['lobby']);
  assert.ok(existsSync(kit.ctx.dataDir));
});

test('unload() aborts ctx.signal and undoes every registration, as the proxy does', () => {
  const t = testContext({});
  let aborted = false;
  t.ctx.signal.addEventListener('abort', () => (aborted = true));
  t.ctx.events.on('ConnectionHandshake', () => undefined);
  t.ctx.scheduler.interval(1_000, () => undefined);
  assert.equal(t.liveRegistrations(), 2);
  t.unload();
  assert.ok(aborted && t.ctx.signal.aborted);
  assert.equal(t.liveRegistrations(), 0);
});
