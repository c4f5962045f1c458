// The handler with fakes: a session that records what it was sent, a scheduler whose tasks the
// test runs, and a clock the test moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HandlerResult, LimboSession } from '../../sdk/index.ts';
import { Counters } from './counters.ts';
import { createAntibotHandler, type CheckSettings } from './handler.ts';
import { DEFAULT_MESSAGES } from './messages.ts';
import { VerifiedPlayers } from './verified.ts';

let nextId = 1;

function fakeSession(username: string, remoteAddress = '203.0.113.7', verified = false, entry: object = { type: 'initial' }) {
  const rec = { messages: [] as string[], titles: [] as string[], kicks: [] as string[], completed: [] as HandlerResult[] };
  const ok = { ok: true } as const;
  const session = {
    player: { connectionId: nextId++, username, remoteAddress, protocolVersion: 769, verified, profile: undefined },
    entry,
    active: true,
    sendMessage: (text: unknown) => (rec.messages.push(String(text)), ok),
    sendTitle: (title: unknown, subtitle?: unknown) => (rec.titles.push(`${String(title)} | ${String(subtitle)}`), ok),
    sendActionBar: () => ok,
    kick: (reason: string) => (rec.kicks.push(reason), ok),
    complete: (result: HandlerResult) => void rec.completed.push(result),
  } as unknown as LimboSession;
  return { session, ...rec };
}

function setup(overrides: Partial<CheckSettings> = {}) {
  const settings: CheckSettings = { check_timeout: 30_000, max_attempts: 3, code_length: 5, reminder_interval: 10_000, remember_by: 'name_and_ip', max_held: 100, skip_online_verified: true, ...overrides };
  const tasks = new Map<object, { kind: 'delay' | 'interval'; run: () => void }>();
  const schedule = (kind: 'delay' | 'interval') => (_ms: number, run: () => void) => {
    const key = {};
    tasks.set(key, { kind, run });
    return { cancel: () => void tasks.delete(key) };
  };
  const state = { attack: true, now: 1_000_000, codes: 0 };
  const counters = new Counters();
  const verified = new VerifiedPlayers(60_000, 1000);
  const logs: string[] = [];
  const log = { info: (_o: unknown, msg: string) => void logs.push(msg), debug: (_o: unknown, msg: string) => void logs.push(msg) };
  const handler = createAntibotHandler({
    underAttack: () => state.attack,
    verified,
    counters,
    settings,
    messages: DEFAULT_MESSAGES,
    newCode: (n) => `K${++state.codes}`.padEnd(n, 'Z'),
    scheduler: { delay: schedule('delay'), interval: schedule('interval') },
    log: log as never,
    now: () => state.now,
  });
  const runTimeouts = () => { for (const t of [...tasks.values()]) if (t.kind === 'delay') t.run(); };
  return { handler, state, counters, verified, tasks, logs, runTimeouts };
}

test('below the threshold everyone passes at once, nothing is sent', () => {
  const { handler, state, tasks } = setup();
  state.attack = false;
  const s = fakeSession('Steve');
  assert.deepEqual(handler.onPlayerEnter(s.session), { type: 'accept' });
  assert.equal(s.messages.length + s.titles.length, 0);
  assert.equal(tasks.size, 0);
});

test('under attack: held with the code in title and chat; the right code passes and is remembered', () => {
  const { handler, counters, tasks, state, logs } = setup();
  const s = fakeSession('Steve');
  const r = handler.onPlayerEnter(s.session) as { type: string; timeoutMs: number };
  assert.equal(r.type, 'hold-with-timeout');
  assert.ok(r.timeoutMs > 30_000, 'the kernel bound is a backstop past our own timeout');
  assert.match(s.titles[0]!, /Bot check \| .*K1ZZZ/);
  assert.match(s.messages[0]!, /type §6§lK1ZZZ§e in chat .*30s left/);
  assert.equal(handler.heldCount, 1);
  void handler.onChat!(s.session, 'k1zzz');
  assert.deepEqual(s.completed, [{ type: 'accept' }]);
  assert.match(s.messages.at(-1)!, /verified/);
  assert.equal(handler.heldCount, 0);
  assert.equal(tasks.size, 0, 'reminder and timeout cancelled');
  assert.equal(counters.snapshot().passed, 1);
  assert.ok(logs.includes('bot check passed'));
  assert.ok(!logs.join(' ').includes('k1zzz'), 'what the player typed is not logged');

  const again = fakeSession('steve');
  state.now += 50_000;
  assert.deepEqual(handler.onPlayerEnter(again.session), { type: 'accept' }, 'remembered (name case-insensitive, same address)');
  assert.equal(counters.snapshot().remembered, 1);
  const elsewhere = fakeSession('Steve', '198.51.100.9');
  assert.equal(handler.onPlayerEnter(elsewhere.session).type, 'hold-with-timeout', 'name_and_ip: another address is checked');
  state.now += 20_000;
  assert.equal(handler.onPlayerEnter(fakeSession('Steve').session).type, 'hold-with-timeout', 'remember_for ran out');
});

test('/verify <code> passes too; another command repeats the prompt, at most once a second', () => {
  const { handler, state } = setup();
  const s = fakeSession('Alex');
  handler.onPlayerEnter(s.session);
  void handler.onCommand!(s.session, 'help', []);
  assert.equal(s.messages.length, 1, 'the prompt was just sent');
  state.now += 1000;
  for (let i = 0; i < 50; i++) void handler.onCommand!(s.session, 'spam', []);
  assert.equal(s.messages.length, 2);
  assert.equal(s.completed.length, 0);
  void handler.onCommand!(s.session, 'VERIFY', ['K1ZZZ']);
  assert.deepEqual(s.completed, [{ type: 'accept' }]);
});

test('wrong codes: attempts left are told, the last one kicks with `failed`', () => {
  const { handler, counters } = setup({ max_attempts: 2 });
  const s = fakeSession('Bot1');
  handler.onPlayerEnter(s.session);
  void handler.onChat!(s.session, 'hello');
  assert.match(s.messages.at(-1)!, /Wrong code\. 1 attempt\(s\) left/);
  assert.equal(s.kicks.length, 0);
  void handler.onChat!(s.session, 'AAAAA');
  assert.deepEqual(s.kicks, ['§cYou did not pass the bot check.']);
  assert.equal(handler.heldCount, 0);
  void handler.onChat!(s.session, 'K1ZZZ');
  assert.equal(s.completed.length, 0, 'nothing after the kick');
  assert.equal(counters.snapshot().failedWrongCode, 1);
});

test('no answer within check_timeout: kicked with `timeout`; leaving counts as left, not failed', () => {
  const { handler, counters, runTimeouts } = setup();
  const silent = fakeSession('Bot2');
  const leaver = fakeSession('Bot3');
  handler.onPlayerEnter(silent.session);
  handler.onPlayerEnter(leaver.session);
  handler.onLeave!(leaver.session);
  runTimeouts();
  assert.deepEqual(silent.kicks, ['§cYou took too long to answer the bot check.']);
  assert.deepEqual(leaver.kicks, []);
  const c = counters.snapshot();
  assert.equal(c.failedTimeout, 1);
  assert.equal(c.left, 1);
  assert.equal(handler.heldCount, 0);
});

test('max_held: past it new players are refused with `busy`; online-verified players skip the check', () => {
  const { handler, counters } = setup({ max_held: 2 });
  handler.onPlayerEnter(fakeSession('B1').session);
  handler.onPlayerEnter(fakeSession('B2').session);
  const r = handler.onPlayerEnter(fakeSession('B3').session) as { type: string; reason: string };
  assert.equal(r.type, 'denied');
  assert.match(r.reason, /try again in a minute/);
  assert.equal(counters.snapshot().refused, 1);
  assert.deepEqual(handler.onPlayerEnter(fakeSession('Notch', '1.2.3.4', true).session), { type: 'accept' });
});

test('a player entering the limbo after a kick (already connected) is not checked, even under attack', () => {
  const { handler } = setup();
  const s = fakeSession('Kicked', '203.0.113.7', false, { type: 'kicked', serverId: 'lobby', reason: 'restart' });
  assert.deepEqual(handler.onPlayerEnter(s.session), { type: 'accept' });
  assert.equal(handler.heldCount, 0);
});
