import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp } from '../../sdk/ip.ts';
import { RangeSet } from './range-set.ts';
import type { Cidr } from './options.ts';

const v4 = (address: string, prefix = 32): Cidr => ({ address, prefix, family: 'ipv4' });
const v6 = (address: string, prefix = 128): Cidr => ({ address, prefix, family: 'ipv6' });
const has = (set: RangeSet, address: string) => set.has(parseIp(address)!);

test('IPv4 CIDR edges, host bits in the range address, /0 and /32', () => {
  const set = RangeSet.from([v4('10.1.2.3', 8), v4('192.168.1.5')]);
  assert.equal(has(set, '10.0.0.0'), true);
  assert.equal(has(set, '10.255.255.255'), true);
  assert.equal(has(set, '11.0.0.0'), false);
  assert.equal(has(set, '9.255.255.255'), false);
  assert.equal(has(set, '192.168.1.5'), true);
  assert.equal(has(set, '192.168.1.6'), false);
  const all = RangeSet.from([v4('0.0.0.0', 0)]);
  assert.equal(has(all, '255.255.255.255') && has(all, '0.0.0.0'), true);
  assert.equal(has(all, '::1'), false, 'an IPv4 range never matches IPv6');
});

test('IPv6 CIDR edges and /0', () => {
  const set = RangeSet.from([v6('2001:db8::', 32), v6('::1')]);
  assert.equal(has(set, '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff'), true);
  assert.equal(has(set, '2001:db9::'), false);
  assert.equal(has(set, '2001:db7:ffff::'), false);
  assert.equal(has(set, '::1'), true);
  assert.equal(has(set, '::2'), false);
  const all = RangeSet.from([v6('::', 0)]);
  assert.equal(has(all, 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), true);
  assert.equal(has(all, '1.2.3.4'), false);
});

test('a v4-mapped client matches IPv4 ranges, and a mapped range matches IPv4 clients', () => {
  const set = RangeSet.from([v4('1.2.3.0', 24)]);
  assert.equal(has(set, '::ffff:1.2.3.4'), true);
  assert.equal(has(set, '::ffff:1.2.4.4'), false);
  const mapped = RangeSet.from([v6('::ffff:5.6.7.0', 120)]);
  assert.equal(has(mapped, '5.6.7.8'), true);
  assert.equal(has(mapped, '5.6.8.8'), false);
});

test('overlapping and touching ranges merge; lookups stay correct across many ranges', () => {
  const set = RangeSet.from([v4('10.0.0.0', 24), v4('10.0.1.0', 24), v4('10.0.0.128', 25), v4('10.0.3.0', 24)]);
  assert.equal(set.size, 2);
  assert.equal(has(set, '10.0.1.255'), true);
  assert.equal(has(set, '10.0.2.0'), false);
  const many = RangeSet.from(Array.from({ length: 5000 }, (_, i) => v4(`10.${i >> 8}.${i & 255}.0`, 25)));
  assert.equal(has(many, '10.19.135.127'), true);
  assert.equal(has(many, '10.19.135.128'), false);
  assert.equal(has(many, '10.20.0.0'), false);
});

test('nonsense ranges throw', () => {
  assert.throws(() => RangeSet.from([v4('nope', 8)]), RangeError);
  assert.throws(() => RangeSet.from([v4('1.2.3.4', 33)]), RangeError);
  assert.throws(() => RangeSet.from([v6('::ffff:1.2.3.4', 64)]), RangeError, 'a mapped range shorter than /96 is ambiguous');
});
