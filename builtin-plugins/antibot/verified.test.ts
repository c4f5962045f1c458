import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rememberKey, VerifiedPlayers } from './verified.ts';

test('remembered for the ttl, then forgotten', () => {
  const v = new VerifiedPlayers(1000, 10);
  v.remember('a', 0);
  assert.equal(v.has('a', 999), true);
  assert.equal(v.has('a', 1000), false);
  assert.equal(v.size, 0, 'an expired entry is dropped on lookup');
  assert.equal(v.has('b', 0), false);
});

test('bounded: past max the oldest is forgotten; verifying again makes an entry the newest', () => {
  const v = new VerifiedPlayers(60_000, 3);
  v.remember('a', 0);
  v.remember('b', 1);
  v.remember('c', 2);
  v.remember('a', 3); // refreshed
  v.remember('d', 4); // evicts b, the oldest now
  assert.equal(v.size, 3);
  assert.equal(v.has('b', 5), false);
  assert.deepEqual(['a', 'c', 'd'].map((k) => v.has(k, 5)), [true, true, true]);
});

test('prune drops every expired entry and keeps live ones', () => {
  const v = new VerifiedPlayers(100, 100);
  for (let i = 0; i < 10; i++) v.remember(`p${i}`, i * 10);
  v.prune(150); // expiries 100..190: the first six are gone
  assert.equal(v.size, 4);
  assert.equal(v.has('p6', 150), true);
});

test('keys: names case-insensitively, with or without the address', () => {
  assert.equal(rememberKey('name', 'Steve', '1.2.3.4'), rememberKey('name', 'steve', '5.6.7.8'));
  assert.notEqual(rememberKey('name_and_ip', 'Steve', '1.2.3.4'), rememberKey('name_and_ip', 'Steve', '5.6.7.8'));
  assert.equal(rememberKey('name_and_ip', 'Steve', '1.2.3.4'), rememberKey('name_and_ip', 'STEVE', '1.2.3.4'));
  assert.equal(rememberKey('ip', 'Steve', '1.2.3.4'), rememberKey('ip', 'Alex', '1.2.3.4'));
});

test('forgetName removes the name from every address, any case, and reports the change', () => {
  let changes = 0;
  const v = new VerifiedPlayers(60_000, 100, () => changes++);
  v.remember(rememberKey('name_and_ip', 'Steve', '1.2.3.4'), 0);
  v.remember(rememberKey('name_and_ip', 'Steve', '5.6.7.8'), 0);
  v.remember(rememberKey('name_and_ip', 'Steven', '1.2.3.4'), 0);
  v.remember(rememberKey('name', 'Alex', '1.2.3.4'), 0);
  assert.equal(changes, 4);
  assert.equal(v.forgetName('STEVE'), 2);
  assert.equal(v.forgetName('alex'), 1);
  assert.equal(v.forgetName('nobody'), 0);
  assert.equal(changes, 6);
  assert.equal(v.has(rememberKey('name_and_ip', 'Steven', '1.2.3.4'), 1), true, 'a longer name is another player');
});
