import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { ServerStateChangeInfo } from '../../sdk/index.ts';
import type { ManagerBackend, Observation } from './backends/backend.ts';
import { ManagedServer } from './managed-server.ts';
import { ServerManagerSchema } from './options.ts';

/** Timers run by hand: `pending()` lists what is scheduled, `runPolls()` runs it. */
function manualTimers() {
  const tasks: { ms: number; task: () => void; cancelled: boolean }[] = [];
  return {
    tasks,
    delay(ms: number, task: () => void) {
      const t = { ms, task, cancelled: false };
      tasks.push(t);
      return { cancel: () => void (t.cancelled = true) };
    },
    pending: () => tasks.filter((t) => !t.cancelled),
    /** Runs what is due within `maxMs` (polls; not the 60 s start timeout). */
    async runPolls(maxMs = 30_000) {
      const p = tasks.filter((t) => !t.cancelled && t.ms <= maxMs);
      for (const t of p) t.cancelled = true;
      for (const t of p) t.task();
      await new Promise((r) => setImmediate(r));
    },
  };
}

function setup(type: 'local' | 'pterodactyl', probe: () => Promise<Observation>, extra: Record<string, unknown> = {}) {
  const config = ServerManagerSchema.parse(
    type === 'local'
      ? { type, command: 'x', working_dir: '/tmp', poll_interval: '1s', ...extra }
      : { type, api_url: 'http://127.0.0.1:1', api_key: 'k', server_id: 's', poll_interval: '1s', ...extra },
  );
  const calls: string[] = [];
  const backend: ManagerBackend = { probe, start: async () => void calls.push('start'), stop: async () => void calls.push('stop') };
  const timers = manualTimers();
  const changes: ServerStateChangeInfo[] = [];
  let now = 1_000_000;
  let players = 0;
  const m = new ManagedServer('s1', config, backend, {
    log: pino({ level: 'silent' }),
    timers,
    players: () => players,
    onChange: (c) => changes.push(c),
    now: () => now,
  });
  return { m, calls, timers, changes, tick: (ms: number) => (now += ms), setPlayers: (n: number) => (players = n) };
}

test('the idle clock starts at the first check of a server that was already online (v2 issue #50)', async () => {
  const t = setup('pterodactyl', async () => ({ state: 'online' }), { shutdown_after: '10s' });
  t.m.begin();
  await t.timers.runPolls();
  assert.equal(t.m.state, 'online');
  t.m.idleCheck(); // first check: the clock starts now, not at some earlier time
  t.tick(9_000);
  t.m.idleCheck();
  assert.deepEqual(t.calls, []);
  t.setPlayers(1);
  t.tick(5_000);
  t.m.idleCheck(); // a player resets it
  t.setPlayers(0);
  t.tick(500);
  t.m.idleCheck(); // the first check that sees nobody starts the clock: never sooner than shutdown_after after the last player left
  t.tick(9_999);
  t.m.idleCheck();
  assert.deepEqual(t.calls, []);
  t.tick(1);
  t.m.idleCheck();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(t.calls, ['stop']);
});

test('a panel that still says offline right after a start is believed only after two polls; then it is a crash', async () => {
  const t = setup('pterodactyl', async () => ({ state: 'sleeping' }));
  t.m.begin();
  await t.timers.runPolls();
  await t.m.start();
  await t.timers.runPolls();
  assert.equal(t.m.state, 'starting');
  t.tick(3_001);
  await t.timers.runPolls();
  assert.equal(t.m.state, 'crashed');
  assert.match(t.m.info().lastError ?? '', /went back to offline/);
  t.tick(1_000);
  await t.timers.runPolls();
  assert.equal(t.m.state, 'crashed', 'crashed sticks while the panel says offline');
});

test('failed probes: unknown, and the next poll doubles up to 5 minutes', async () => {
  const t = setup('pterodactyl', async () => {
    throw new Error('HTTP 500');
  });
  t.m.begin();
  const delays: number[] = [];
  for (let i = 0; i < 12; i++) {
    await t.timers.runPolls(Infinity);
    delays.push(t.timers.pending().at(-1)!.ms);
  }
  assert.equal(t.m.state, 'unknown');
  assert.deepEqual(delays.slice(0, 5), [2_000, 4_000, 8_000, 16_000, 32_000]);
  assert.equal(delays.at(-1), 300_000);
  assert.deepEqual(t.changes, [], 'it starts unknown: unknown -> unknown is not a change');
});

test('stopping refuses a start; start of an online server is a no-op; a start that never reaches online times out as crashed', async () => {
  let state: Observation = { state: 'online' };
  const t = setup('pterodactyl', async () => state, { start_timeout: '5s' });
  t.m.begin();
  await t.timers.runPolls();
  assert.deepEqual(await t.m.start(), { ok: true, state: 'online' });
  assert.deepEqual(t.calls, []);
  await t.m.stop();
  const r = await t.m.start();
  assert.equal(r.ok, false);
  state = { state: 'sleeping' };
  await t.timers.runPolls();
  assert.equal(t.m.state, 'sleeping');
  state = { state: 'starting' };
  await t.m.start();
  const timeout = t.timers.pending().find((x) => x.ms === 5_000)!;
  timeout.task();
  assert.equal(t.m.state, 'crashed');
  assert.match(t.m.info().lastError ?? '', /start_timeout/);
  assert.deepEqual(t.changes.map((c) => `${c.previous}>${c.next}`), ['unknown>online', 'online>stopping', 'stopping>sleeping', 'sleeping>starting', 'starting>crashed']);
});
