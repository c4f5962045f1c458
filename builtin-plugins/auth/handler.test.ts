// The plugin loaded with the test kit; the limbo engine is played by fake sessions that record
// what the handler sent. Scheduled tasks (reminders, the login timeout) run on t.runTasks().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { testContext } from 'infrarust/sdk/testing';
import { fakeSession, pluginLoader, type } from './fake-session.ts';

const loadPlugin = pluginLoader(testContext);

const last = (list: string[]) => list[list.length - 1] ?? '';

test('register, then log in again in a new session; the account is on disk with an Argon2id hash', async () => {
  const p = await loadPlugin();
  try {
    const a = fakeSession('Alice');
    assert.deepEqual(await p.handler.onPlayerEnter(a.session), { type: 'hold' });
    assert.match(a.messages[0]!, /Register with §6\/register/);
    assert.match(a.titles[0]!, /Register/);
    await type(p.handler, a, '/reg Sunflower42 Sunflower42');
    assert.deepEqual(a.completed, [{ type: 'accept' }]);
    assert.match(last(a.messages), /Registered and logged in/);
    const saved = JSON.parse(await readFile(p.file, 'utf8'));
    assert.equal(saved.length, 1);
    assert.equal(saved[0].username, 'alice');
    assert.equal(saved[0].display_name, 'Alice');
    assert.match(saved[0].password_hash, /^\$argon2id\$v=19\$m=64,t=1,p=1\$/);
    assert.equal(saved[0].login_count, 1);
    assert.equal(saved[0].last_ip, '203.0.113.7');

    const b = fakeSession('alice', '198.51.100.2');
    await p.handler.onPlayerEnter(b.session);
    assert.match(b.messages[0]!, /Welcome back, alice! Log in/);
    await type(p.handler, b, '/l Sunflower42');
    assert.deepEqual(b.completed, [{ type: 'accept' }]);
    assert.equal(JSON.parse(await readFile(p.file, 'utf8'))[0].login_count, 2);
  } finally {
    await p.close();
  }
});

test('wrong passwords: attempts left, then a kick and a lockout of that address across a new session', async () => {
  const p = await loadPlugin({ security: { max_login_attempts: 3, lockout_duration: '10m' } });
  try {
    const reg = fakeSession('Bob', '192.0.2.50');
    await p.handler.onPlayerEnter(reg.session);
    await type(p.handler, reg, '/register Tr0ub4dor&3 Tr0ub4dor&3');
    const s = fakeSession('Bob', '192.0.2.99');
    await p.handler.onPlayerEnter(s.session);
    await type(p.handler, s, '/login nope-1');
    assert.match(last(s.messages), /Wrong password\. 2 attempt\(s\) left/);
    await type(p.handler, s, '/login nope-2');
    assert.match(last(s.messages), /1 attempt\(s\) left/);
    await type(p.handler, s, '/login nope-3');
    assert.equal(s.kicks.length, 1);
    assert.match(s.kicks[0]!, /Too many wrong passwords\. Try again in (10m|9m)/);
    assert.deepEqual(s.completed, []);

    const again = fakeSession('Bob', '192.0.2.99');
    const result = await p.handler.onPlayerEnter(again.session);
    assert.equal(result.type, 'deny');
    assert.match((result as { reason: string }).reason, /from your address/);
    // Another address is not locked, and the right password still works there.
    const other = fakeSession('Bob', '192.0.2.50');
    assert.equal((await p.handler.onPlayerEnter(other.session)).type, 'hold');
    await type(p.handler, other, '/login Tr0ub4dor&3');
    assert.deepEqual(other.completed, [{ type: 'accept' }]);
  } finally {
    await p.close();
  }
});

test('/changepassword and /unregister need the current password', async () => {
  const p = await loadPlugin();
  try {
    const s = fakeSession('Carol');
    await p.handler.onPlayerEnter(s.session);
    await type(p.handler, s, '/register FirstPass1 FirstPass1');
    const c = fakeSession('Carol');
    await p.handler.onPlayerEnter(c.session);
    await type(p.handler, c, '/changepassword wrongpass SecondPass2');
    assert.match(last(c.messages), /Wrong password/);
    await type(p.handler, c, '/changepassword FirstPass1 SecondPass2');
    assert.match(last(c.messages), /Password changed/);
    assert.deepEqual(c.completed, [{ type: 'accept' }]);

    const u = fakeSession('Carol');
    await p.handler.onPlayerEnter(u.session);
    await type(p.handler, u, '/login FirstPass1');
    assert.match(last(u.messages), /Wrong password/);
    await type(p.handler, u, '/unregister SecondPass2');
    assert.match(last(u.messages), /account was removed/);
    assert.deepEqual(u.completed, [], 'still held: the player registers again');
    assert.deepEqual(JSON.parse(await readFile(p.file, 'utf8')), []);
    await type(p.handler, u, '/register ThirdPass3 ThirdPass3');
    assert.deepEqual(u.completed, [{ type: 'accept' }]);
  } finally {
    await p.close();
  }
});

test('policy violations and bad usage are explained; nothing is registered', async () => {
  const p = await loadPlugin({ password_policy: { min_length: 6, max_length: 20, blocked_passwords: ['letmein!'] } });
  try {
    const s = fakeSession('Dave');
    await p.handler.onPlayerEnter(s.session);
    const cases: [string, RegExp][] = [
      ['/register abc abc', /at least 6 characters/],
      [`/register ${'x'.repeat(21)} ${'x'.repeat(21)}`, /at most 20 characters/],
      ['/register mydave99 mydave99', /must not contain your name/],
      ['/register LetMeIn! LetMeIn!', /too common/],
      ['/register goodpass1 goodpass2', /differ/],
      ['/register onlyone', /Usage: \/register/],
      ['/login', /Usage: \/login/],
      ['/login whatever', /no account yet/],
      ['/spawn', /Unknown command/],
    ];
    for (const [line, pattern] of cases) {
      await type(p.handler, s, line);
      assert.match(last(s.messages), pattern, line);
    }
    assert.deepEqual(s.completed, []);
    assert.deepEqual(s.kicks, [], 'an unregistered name does not burn attempts');
  } finally {
    await p.close();
  }
});

test('login_timeout kicks, reminders repeat, and leaving cancels every timer', async () => {
  const p = await loadPlugin();
  try {
    const base = p.t.liveRegistrations();
    const s = fakeSession('Erin');
    await p.handler.onPlayerEnter(s.session);
    assert.equal(p.t.liveRegistrations(), base + 3, 'title reminder, chat reminder, timeout');
    await p.t.runTasks();
    assert.equal(s.kicks.length, 1);
    assert.match(s.kicks[0]!, /took too long/);
    assert.ok(s.titles.length >= 2 && s.messages.length >= 2, 'the reminders ran');
    assert.equal(p.t.liveRegistrations(), base, 'the kick cancelled the reminders');

    const leaver = fakeSession('Finn');
    await p.handler.onPlayerEnter(leaver.session);
    p.handler.onLeave!(leaver.session);
    assert.equal(p.t.liveRegistrations(), base);
  } finally {
    await p.close();
  }
});

test('a verified (premium) player passes at once and gets a premium-only account', async () => {
  const p = await loadPlugin();
  try {
    const s = fakeSession('Notch', '203.0.113.9', { verified: true });
    assert.deepEqual(await p.handler.onPlayerEnter(s.session), { type: 'accept' });
    assert.deepEqual(s.messages, []);
    await new Promise((r) => setTimeout(r, 50));
    const [account] = JSON.parse(await readFile(p.file, 'utf8'));
    assert.equal(account.password_hash, null);
    assert.equal(account.premium_info.mojang_uuid, '069a79f4-44e9-4726-a5be-fca90e38aaf5');
  } finally {
    await p.close();
  }
});

test('console: forcelogin, forcechangepassword, forceunregister', async () => {
  const p = await loadPlugin();
  try {
    for (const name of ['forcelogin', 'forceunregister', 'forcechangepassword']) assert.notEqual(p.t.commands.get(name)?.players, true, `${name} is console-only`);
    const r = fakeSession('Gus');
    await p.handler.onPlayerEnter(r.session);
    await type(p.handler, r, '/register Hunter2-Strong Hunter2-Strong');
    assert.deepEqual(await p.console('forcechangepassword Gus NewPass456'), ['The password of Gus was changed']);
    assert.match((await p.console('forcechangepassword Gus'))[0]!, /^The password of Gus is now: \S{12}$/);
    assert.deepEqual(await p.console('forcechangepassword Gus abc'), ['The password needs at least 8 characters.']);
    assert.deepEqual(await p.console('forcechangepassword Nobody Whatever1'), ['Nobody has no account with a password']);

    const held = fakeSession('Gus');
    await p.handler.onPlayerEnter(held.session);
    assert.deepEqual(await p.console('forcelogin gus'), ['gus is logged in']);
    assert.deepEqual(held.completed, [{ type: 'accept' }]);
    assert.deepEqual(await p.console('forcelogin gus'), ['gus is not waiting to log in']);

    assert.deepEqual(await p.console('forceunregister GUS'), ['The account of GUS was removed']);
    assert.deepEqual(await p.console('forceunregister gus'), ['gus has no account']);
    assert.deepEqual(JSON.parse(await readFile(p.file, 'utf8')), []);
  } finally {
    await p.close();
  }
});

test('a player who logged in passes a later visit to limbo on the same connection (after a kick); a new connection logs in again', async () => {
  const p = await loadPlugin();
  try {
    const a = fakeSession('Carol', '203.0.113.9', { connectionId: 9001 });
    await p.handler.onPlayerEnter(a.session);
    await type(p.handler, a, '/register Tulip-4747 Tulip-4747');
    assert.deepEqual(a.completed, [{ type: 'accept' }]);
    const again = fakeSession('Carol', '203.0.113.9', { connectionId: 9001, entry: { type: 'kicked', serverId: 'game', reason: 'Restarting' } });
    assert.deepEqual(await p.handler.onPlayerEnter(again.session), { type: 'accept' });
    p.handler.forgetConnection(9001);
    const later = fakeSession('Carol', '203.0.113.9', { connectionId: 9001, entry: { type: 'kicked', serverId: 'game', reason: 'Restarting' } });
    assert.deepEqual(await p.handler.onPlayerEnter(later.session), { type: 'hold' });
    const other = fakeSession('Carol', '203.0.113.9', { entry: { type: 'redirect' } });
    assert.deepEqual(await p.handler.onPlayerEnter(other.session), { type: 'hold' }, 'another connection is not logged in');
  } finally {
    await p.close();
  }
});
