import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HandlerResult, LimboEntry, LimboSession, ManagerActionResult, ServerManagerService, ServerState } from 'infrarust/sdk';
import { ServerWakeSchema } from './options.ts';
import { WakeRoom } from './wake-room.ts';

const ok = { ok: true } as const;

interface FakeSession extends LimboSession {
  titles: string[];
  bars: string[];
  completed: HandlerResult[];
  active: boolean;
}

function session(username: string, entry: LimboEntry): FakeSession {
  const s = {
    player: { connectionId: Math.floor(Math.random() * 1e9), username, remoteAddress: '127.0.0.1', protocolVersion: 769, profile: undefined, verified: false },
    entry,
    active: true,
    titles: [] as string[],
    bars: [] as string[],
    completed: [] as HandlerResult[],
    sendMessage: () => ok,
    sendTitle: (title: unknown, subtitle?: unknown) => (s.titles.push(`${String(title)} | ${String(subtitle)}`), ok),
    sendActionBar: (text: unknown) => (s.bars.push(String(text)), ok),
    showBossBar: () => ({ ok: false, code: 'closed', message: 'no' }) as never,
    kick: () => ok,
    complete: (r: HandlerResult) => void s.completed.push(r),
  };
  return s as FakeSession;
}

class FakeManager implements Partial<ServerManagerService> {
  states = new Map<string, ServerState>();
  starts: string[] = [];
  startAnswer: ManagerActionResult | undefined;
  since = 0;
  state = (id: string) => this.states.get(id);
  describe = (id: string) => {
    const state = this.states.get(id);
    return state === undefined ? undefined : { serverId: id, type: 'local', state, since: this.since, startTimeoutMs: 10_000, players: 0 };
  };
  start = async (id: string): Promise<ManagerActionResult> => {
    this.starts.push(id);
    if (this.startAnswer !== undefined) return this.startAnswer;
    this.states.set(id, 'starting');
    return { ok: true, state: 'starting' };
  };
}

function setup(config: Record<string, unknown> = {}) {
  const manager = new FakeManager();
  const clock = { now: 1_000 };
  const logs: string[] = [];
  const log = { info: (_: object, m: string) => void logs.push(m), warn: (_: object, m: string) => void logs.push(m) };
  const options = ServerWakeSchema.parse({ waiting_action_bar: '{server}{dots} {count}', ...config });
  const room = new WakeRoom({ manager: () => manager as unknown as ServerManagerService, options, now: () => clock.now, log });
  return { manager, clock, room, logs };
}

test('online: accepted at once; unmanaged and no server id too', async () => {
  const { manager, room } = setup();
  manager.states.set('lobby', 'online');
  assert.deepEqual(await room.enter(session('A', { type: 'initial', serverId: 'lobby' })), { type: 'accept' });
  assert.deepEqual(await room.enter(session('B', { type: 'initial', serverId: 'other' })), { type: 'accept' });
  assert.deepEqual(await room.enter(session('C', { type: 'redirect' })), { type: 'accept' });
  assert.deepEqual(manager.starts, []);
});

test('sleeping: starts it and holds with a title and action bar; online releases every waiting player', async () => {
  const { manager, room, clock } = setup();
  manager.states.set('lobby', 'sleeping');
  const a = session('A', { type: 'initial', serverId: 'lobby' });
  const b = session('B', { type: 'initial', serverId: 'lobby' });
  assert.deepEqual(await room.enter(a), { type: 'hold' });
  assert.deepEqual(await room.enter(b), { type: 'hold' });
  assert.deepEqual(manager.starts, ['lobby'], 'started once: the second join finds it starting');
  assert.match(a.titles[0]!, /lobby is starting/);
  assert.equal(room.waiting('lobby'), 2);
  clock.now += 1_000;
  room.tick();
  assert.equal(b.bars.at(-1), 'lobby. 2');
  room.tick();
  assert.equal(b.bars.at(-1), 'lobby.. 2', 'the dots move');
  room.stateChanged({ serverId: 'lobby', previous: 'starting', next: 'online' });
  assert.deepEqual(a.completed, [{ type: 'accept' }]);
  assert.deepEqual(b.completed, [{ type: 'accept' }]);
  assert.match(a.titles.at(-1)!, /lobby is ready/);
  assert.equal(room.waiting('lobby'), 0);
});

test('a crash kicks every waiting player with failed_kick and the cause; start_timeout as the cause gives timeout_kick', async () => {
  const { manager, room } = setup({ failed_kick: '&cdown: {cause}', timeout_kick: 'slow {server}' });
  manager.states.set('lobby', 'crashed');
  const a = session('A', { type: 'initial', serverId: 'lobby' });
  await room.enter(a);
  room.stateChanged({ serverId: 'lobby', previous: 'starting', next: 'crashed', cause: 'exit code 1' });
  assert.deepEqual(a.completed, [{ type: 'denied', reason: '§cdown: exit code 1' }]);
  const b = session('B', { type: 'initial', serverId: 'lobby' });
  manager.states.set('lobby', 'crashed');
  await room.enter(b);
  room.stateChanged({ serverId: 'lobby', previous: 'starting', next: 'crashed', cause: 'not online within start_timeout (10 s)' });
  assert.deepEqual(b.completed, [{ type: 'denied', reason: 'slow lobby' }]);
});

test('the plugin start_timeout kicks a player waiting too long', async () => {
  const { manager, room, clock } = setup({ start_timeout: '5s' });
  manager.states.set('lobby', 'sleeping');
  const a = session('A', { type: 'initial', serverId: 'lobby' });
  await room.enter(a);
  clock.now += 4_000;
  room.tick();
  assert.equal(a.completed.length, 0);
  clock.now += 1_000;
  room.tick();
  assert.equal(a.completed[0]?.type, 'denied');
  assert.match((a.completed[0] as { reason: string }).reason, /did not start in time/);
});

test('without a plugin start_timeout the deadline is the manager one plus a grace, counted from its start', async () => {
  const { manager, room, clock } = setup();
  manager.states.set('lobby', 'starting');
  manager.since = clock.now - 8_000; // starting for 8 s of its 10 s
  const a = session('A', { type: 'initial', serverId: 'lobby' });
  await room.enter(a);
  clock.now += 6_999;
  room.tick();
  assert.equal(a.completed.length, 0);
  clock.now += 1;
  room.tick();
  assert.equal(a.completed[0]?.type, 'denied');
});

test('stopping: holds with the stopping title and starts it once sleeping', async () => {
  const { manager, room } = setup();
  manager.states.set('lobby', 'stopping');
  const a = session('A', { type: 'initial', serverId: 'lobby' });
  assert.deepEqual(await room.enter(a), { type: 'hold' });
  assert.deepEqual(manager.starts, []);
  assert.match(a.titles[0]!, /lobby is stopping/);
  manager.states.set('lobby', 'sleeping');
  room.stateChanged({ serverId: 'lobby', previous: 'stopping', next: 'sleeping' });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(manager.starts, ['lobby']);
  room.stateChanged({ serverId: 'lobby', previous: 'sleeping', next: 'starting' });
  assert.match(a.titles.at(-1)!, /lobby is starting/);
});

test('a start the manager refuses denies with the reason', async () => {
  const { manager, room } = setup({ failed_kick: 'no: {cause}' });
  manager.states.set('lobby', 'sleeping');
  manager.startAnswer = { ok: false, reason: 'HTTP 500 from the panel' };
  assert.deepEqual(await room.enter(session('A', { type: 'initial', serverId: 'lobby' })), { type: 'denied', reason: 'no: HTTP 500 from the panel' });
});

test('entry kicked (unreachable): a not-online server is started; an online one is retried after retry_delay', async () => {
  const { manager, room, clock } = setup({ retry_delay: '2s' });
  manager.states.set('lobby', 'online');
  const a = session('A', { type: 'kicked', serverId: 'lobby', reason: 'Connection refused' });
  assert.deepEqual(await room.enter(a), { type: 'hold' });
  clock.now += 2_000;
  room.tick();
  assert.deepEqual(a.completed, [{ type: 'accept' }]);
  manager.states.set('lobby', 'unknown');
  assert.deepEqual(await room.enter(session('B', { type: 'initial', serverId: 'lobby' })), { type: 'accept' }, 'unknown: the dial decides');
  assert.deepEqual(await room.enter(session('C', { type: 'kicked', serverId: 'lobby', reason: 'refused' })), { type: 'hold' });
  assert.deepEqual(manager.starts, ['lobby']);
});

test('a player who leaves is no longer counted or released', async () => {
  const { manager, room } = setup();
  manager.states.set('lobby', 'sleeping');
  const a = session('A', { type: 'initial', serverId: 'lobby' });
  const b = session('B', { type: 'initial', serverId: 'lobby' });
  await room.enter(a);
  await room.enter(b);
  room.leave(a);
  assert.equal(room.waiting('lobby'), 1);
  room.stateChanged({ serverId: 'lobby', previous: 'starting', next: 'online' });
  assert.equal(a.completed.length, 0);
  assert.deepEqual(b.completed, [{ type: 'accept' }]);
});

test('a missed online change: the tick releases the players of a server the manager calls online', async () => {
  const { manager, room, clock } = setup();
  manager.states.set('lobby', 'sleeping');
  const a = session('A', { type: 'initial', serverId: 'lobby' });
  await room.enter(a);
  manager.states.set('lobby', 'online'); // no stateChanged
  clock.now += 200;
  room.tick();
  assert.deepEqual(a.completed, [{ type: 'accept' }]);
  assert.equal(room.waiting('lobby'), 0);
});
