// Passwords never reach the log (message or bindings), the accounts file, or a console reply
// (other than the one random password forcechangepassword shows on purpose).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { pino } from 'pino';
import { AccountStore } from './accounts.ts';
import { testContext } from 'infrarust/sdk/testing';
import { fakeSession, pluginLoader, type } from './fake-session.ts';
import { createAuthHandler } from './handler.ts';
import { maskIp } from './ip-mask.ts';
import { Lockouts } from './lockout.ts';
import { DEFAULT_MESSAGES } from './messages.ts';
import { createHasher } from './passwords.ts';
import { compilePolicy } from './policy.ts';

const loadPlugin = pluginLoader(testContext);

const SECRETS = ['Secret-One-111', 'Secret-Two-222', 'Wrong-Guess-333', 'Console-Set-444'];

test('no password in any log line (with all bindings) nor in the accounts file; addresses are masked', async () => {
  const lines: string[] = [];
  const log = pino({ level: 'trace' }, { write: (l: string) => void lines.push(l) });
  const noop = { cancel: () => undefined };
  const handler = createAuthHandler({
    store: new AccountStore(),
    save: async () => undefined,
    hasher: await createHasher({ argon2_memory_cost: 64, argon2_time_cost: 1, argon2_parallelism: 1, migrate_legacy_hashes: true }),
    policy: compilePolicy({ min_length: 8, max_length: 64, check_username: true, blocked_passwords: [] }),
    lockouts: new Lockouts(2, 60_000),
    messages: DEFAULT_MESSAGES,
    settings: { login_timeout: 60_000, title_reminder_interval: 5_000, chat_reminder_interval: 10_000 },
    scheduler: { delay: () => noop, interval: () => noop },
    log,
    maskIp: (ip) => maskIp(ip, 'last_two_octets'),
  });
  const s = fakeSession('Ivy', '198.51.100.23');
  handler.onPlayerEnter(s.session);
  await type(handler, s, `/register ${SECRETS[0]} ${SECRETS[0]}`);
  const t = fakeSession('Ivy', '198.51.100.23');
  handler.onPlayerEnter(t.session);
  await type(handler, t, `/changepassword ${SECRETS[0]} ${SECRETS[1]}`);
  const u = fakeSession('Ivy', '198.51.100.23');
  handler.onPlayerEnter(u.session);
  await type(handler, u, `/login ${SECRETS[2]}`);
  await type(handler, u, `/login ${SECRETS[2]}`);
  assert.equal(u.kicks.length, 1);
  assert.ok(lines.length >= 5, `${lines.length} log lines`);
  const all = lines.join('\n');
  for (const secret of SECRETS) assert.ok(!all.includes(secret), `"${secret}" is in the log`);
  assert.ok(!all.includes('198.51.100.23'), 'the address is masked');
  assert.ok(all.includes('198.51.x.x'));
});

test('through the plugin: captured logs and the accounts file hold no password', async () => {
  const p = await loadPlugin();
  try {
    const s = fakeSession('Jack');
    await p.handler.onPlayerEnter(s.session);
    await type(p.handler, s, `/register ${SECRETS[0]} ${SECRETS[0]}`);
    await p.console(`forcechangepassword Jack ${SECRETS[3]}`);
    const l = fakeSession('Jack');
    await p.handler.onPlayerEnter(l.session);
    await type(p.handler, l, `/login ${SECRETS[3]}`);
    assert.deepEqual(l.completed, [{ type: 'accept' }]);
    const text = `${p.t.logs.map((x) => x.msg).join('\n')}\n${await readFile(p.file, 'utf8')}`;
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `"${secret}" leaked`);
  } finally {
    await p.close();
  }
});
