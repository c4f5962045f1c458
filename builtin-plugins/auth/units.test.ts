import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskIp } from './ip-mask.ts';
import { Lockouts } from './lockout.ts';
import { render } from './messages.ts';
import { AuthPluginSchema } from './options.ts';
import { compilePolicy, parseBlockedList } from './policy.ts';

test('lockouts: count per address, lock at the limit, expire, reset on success', () => {
  let now = 0;
  const l = new Lockouts(3, 1000, () => now);
  assert.equal(l.fail('a'), 2);
  assert.equal(l.fail('a'), 1);
  assert.equal(l.remainingMs('a'), 0);
  assert.equal(l.fail('a'), 0);
  assert.equal(l.remainingMs('a'), 1000);
  assert.equal(l.remainingMs('b'), 0);
  now = 999;
  assert.equal(l.remainingMs('a'), 1);
  now = 1000;
  assert.equal(l.remainingMs('a'), 0);
  assert.equal(l.fail('a'), 2, 'an expired lock starts a fresh count');
  l.succeed('a');
  assert.equal(l.fail('a'), 2);
  now = 5000;
  l.prune();
  assert.equal(l.size, 0, 'failures are forgotten lockout_duration after the last one');
});

test('ip masking', () => {
  assert.equal(maskIp('203.0.113.7', 'last_two_octets'), '203.0.x.x');
  assert.equal(maskIp('::ffff:203.0.113.7', 'last_octet'), '203.0.113.x');
  assert.equal(maskIp('2001:db8:85a3:8d3:1319:8a2e:370:7348', 'last_two_octets'), '2001:db8:85a3:x');
  assert.equal(maskIp('203.0.113.7', 'none'), '203.0.113.7');
});

test('messages: & colours translated, placeholders filled, a name cannot inject codes', () => {
  assert.equal(render('&aHi {player}, {attempts} left &zx {unknown}', { player: '&cEvil', attempts: 2 }), '§aHi &cEvil, 2 left &zx {unknown}');
});

test('policy: length in characters, name, blocked list (file and config, any case)', () => {
  const policy = compilePolicy({ min_length: 4, max_length: 6, check_username: true, blocked_passwords: ['Qwerty'] }, parseBlockedList('# common\nabcd\n\n  zzzz  \n'));
  assert.equal(policy('ééé', 'x')?.key, 'password_too_short');
  assert.equal(policy('éééé', 'x'), undefined);
  assert.equal(policy('abcdefg', 'x')?.key, 'password_too_long');
  assert.equal(policy('xbobx', 'Bob')?.key, 'password_contains_name');
  assert.equal(policy('QWERTY', 'x')?.key, 'password_blocked');
  assert.equal(policy('ABCD', 'x')?.key, 'password_blocked');
  assert.equal(policy('zzzz', 'x')?.key, 'password_blocked');
});

test('the schema: v2 defaults, durations, and min_length <= max_length', () => {
  const d = AuthPluginSchema.parse({});
  assert.equal(d.security.max_login_attempts, 5);
  assert.equal(d.security.login_timeout, 60_000);
  assert.equal(d.security.title_reminder_interval, 5_000);
  assert.equal(d.hashing.argon2_memory_cost, 19_456);
  assert.equal(d.password_policy.min_length, 8);
  assert.equal(d.password_policy.max_length, 128);
  assert.equal(d.premium.enabled, false);
  assert.equal(d.premium.cache_ttl, 600_000);
  assert.equal(d.storage.path, 'accounts.json');
  assert.ok(!AuthPluginSchema.safeParse({ password_policy: { min_length: 10, max_length: 5 } }).success);
  assert.ok(!AuthPluginSchema.safeParse({ security: { login_timeout: 'soon' } }).success);
  assert.ok(!AuthPluginSchema.safeParse({ messages: { nope: 'x' } }).success, 'unknown message keys are refused');
});
