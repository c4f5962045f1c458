import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientKey, ipv6Groups, parseIp } from './ip.ts';

test('IPv4 parses to an unsigned 32-bit number', () => {
  assert.deepEqual(parseIp('1.2.3.4'), { family: 4, value: 0x01020304 });
  assert.deepEqual(parseIp('255.255.255.255'), { family: 4, value: 0xffff_ffff });
});

test('IPv6 parses with ::, a dotted tail, brackets and a zone', () => {
  assert.deepEqual(parseIp('::1'), { family: 6, value: 1n });
  assert.deepEqual(parseIp('[2001:db8::1]'), { family: 6, value: (0x2001_0db8n << 96n) | 1n });
  assert.deepEqual(parseIp('fe80::1%eth0'), { family: 6, value: (0xfe80n << 112n) | 1n });
  assert.deepEqual(ipv6Groups('1::'), [1, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(ipv6Groups('::'), [0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(ipv6Groups('64:ff9b::10.0.0.1'), [0x64, 0xff9b, 0, 0, 0, 0, 0x0a00, 0x0001]);
  assert.deepEqual(ipv6Groups('1:2:3:4:5:6:7:8'), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test('IPv4-mapped IPv6 addresses become the IPv4 address they carry', () => {
  assert.deepEqual(parseIp('::ffff:1.2.3.4'), { family: 4, value: 0x01020304 });
  assert.deepEqual(parseIp('::ffff:102:304'), { family: 4, value: 0x01020304 });
  assert.deepEqual(parseIp('::FFFF:127.0.0.1'), { family: 4, value: 0x7f000001 });
});

test('anything else is not an address', () => {
  for (const bad of ['unknown', '', '1.2.3', '1.2.3.256', '::g', '1.2.3.4/24']) assert.equal(parseIp(bad), undefined, bad);
});

test('clientKey: an IPv4 address (mapped or not) is one key, an IPv6 /64 is one key', () => {
  assert.equal(clientKey('::ffff:203.0.113.7'), clientKey('203.0.113.7'));
  assert.notEqual(clientKey('203.0.113.8'), clientKey('203.0.113.7'));
  assert.equal(clientKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
  assert.equal(clientKey('2001:db8:1:2:ffff::9'), '2001:db8:1:2::/64');
  assert.notEqual(clientKey('2001:db8:1:3::1'), '2001:db8:1:2::/64');
  assert.equal(clientKey('unknown'), 'unknown');
});
