import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrContains, formatCidr, formatIp, parseCidr, parseIp } from './ip.ts';

const ip = (s: string) => parseIp(s)!;
const cidr = (s: string) => parseCidr(s)!;

test('parses and formats v4 and v6 canonically', () => {
  assert.equal(formatIp(ip('203.0.113.7')), '203.0.113.7');
  assert.equal(formatIp(ip('2001:DB8:0:0:0:0:0:1')), '2001:db8::1');
  assert.equal(formatIp(ip('::1')), '::1');
  assert.equal(formatIp(ip('::')), '::');
  assert.equal(formatIp(ip('fe80::1%eth0')), 'fe80::1');
  assert.equal(formatIp(ip('2001:db8:0:1:0:0:0:1')), '2001:db8:0:1::1');
  assert.equal(parseIp('300.1.1.1'), undefined);
  assert.equal(parseIp('griefer'), undefined);
});

test('v4-mapped v6 addresses and ranges fold into v4', () => {
  assert.deepEqual(ip('::ffff:10.1.2.3'), ip('10.1.2.3'));
  assert.deepEqual(ip('::ffff:a01:203'), ip('10.1.2.3'));
  assert.equal(formatCidr(cidr('::ffff:10.0.0.0/104')), '10.0.0.0/8');
  assert.ok(cidrContains(cidr('10.0.0.0/8'), ip('::ffff:10.200.0.1')));
});

test('CIDR matching truncates the network and keeps families apart', () => {
  assert.equal(formatCidr(cidr('192.168.1.77/24')), '192.168.1.0/24');
  assert.ok(cidrContains(cidr('192.168.1.0/24'), ip('192.168.1.255')));
  assert.ok(!cidrContains(cidr('192.168.1.0/24'), ip('192.168.2.1')));
  assert.ok(cidrContains(cidr('0.0.0.0/0'), ip('8.8.8.8')));
  assert.ok(!cidrContains(cidr('0.0.0.0/0'), ip('2001:db8::1')));
  assert.ok(cidrContains(cidr('2001:db8::/32'), ip('2001:db8:ffff::1')));
  assert.ok(!cidrContains(cidr('2001:db8::/32'), ip('2001:db9::1')));
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('10.0.0.0'), undefined);
  assert.equal(parseCidr('10.0.0.0/x'), undefined);
});
