import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientKey } from './client-key.ts';

test('IPv4 keys are the address, mapped or not', () => {
  const key = clientKey('203.0.113.7');
  assert.equal(clientKey('::ffff:203.0.113.7'), key);
  assert.equal(clientKey('::ffff:cb00:7107'), key);
  assert.notEqual(clientKey('203.0.113.8'), key);
});

test('IPv6 clients share one key per /64', () => {
  const a = clientKey('2001:db8:1:2:aaaa::1');
  assert.equal(a, '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'), a);
  assert.equal(clientKey('2001:DB8:1:2::5%eth0'), a);
  assert.notEqual(clientKey('2001:db8:1:3::1'), a);
  assert.equal(clientKey('::1'), '0:0:0:0::/64');
  assert.equal(clientKey('64:ff9b::192.0.2.1'), '64:ff9b:0:0::/64');
});

test('a non-address is its own key', () => {
  assert.equal(clientKey('unknown'), 'unknown');
});
