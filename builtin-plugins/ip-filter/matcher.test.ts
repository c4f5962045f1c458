import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMatcher, createMatcherCache, DENY_ALL } from './matcher.ts';

const cidr = (address: string, prefix: number) => ({ address, prefix, family: (address.includes(':') ? 'ipv6' : 'ipv4') as 'ipv4' | 'ipv6' });
const rules = (whitelist: string[][], blacklist: string[][]) =>
  Object.freeze({ whitelist: whitelist.map(([a, p]) => cidr(a, Number(p))), blacklist: blacklist.map(([a, p]) => cidr(a, Number(p))) });

test('no rules: open, everyone admitted', () => {
  const m = compileMatcher(rules([], []));
  assert.equal(m.open, true);
  assert.equal(m.admits('unknown'), true);
});

test('blacklist only: listed ranges refused, the rest admitted', () => {
  const m = compileMatcher(rules([], [['203.0.113.0', '24'], ['2001:db8::', '32']]));
  assert.equal(m.admits('203.0.113.7'), false);
  assert.equal(m.admits('::ffff:203.0.113.7'), false);
  assert.equal(m.admits('2001:db8::42'), false);
  assert.equal(m.admits('198.51.100.1'), true);
  assert.equal(m.admits('2001:db9::1'), true);
});

test('whitelist admits only its ranges, and the blacklist still applies inside it', () => {
  const m = compileMatcher(rules([['10.0.0.0', '8'], ['2001:db8::', '32']], [['10.6.6.0', '24'], ['2001:db8:bad::', '48']]));
  assert.equal(m.admits('10.1.2.3'), true);
  assert.equal(m.admits('::ffff:10.1.2.3'), true);
  assert.equal(m.admits('10.6.6.6'), false, 'blacklisted inside the whitelist');
  assert.equal(m.admits('192.168.0.1'), false, 'not whitelisted');
  assert.equal(m.admits('2001:db8::1'), true);
  assert.equal(m.admits('2001:db8:bad::1'), false);
  assert.equal(m.admits('::1'), false);
});

test('an address that does not parse is refused when rules exist', () => {
  assert.equal(compileMatcher(rules([], [['1.2.3.4', '32']])).admits('unknown'), false);
});

test('malformed sections throw at compile time', () => {
  assert.throws(() => compileMatcher({ whitelist: ['10.0.0.0/8'] } as never));
  assert.throws(() => compileMatcher({ blacklist: [{ address: 'x', prefix: 8, family: 'ipv4' }] }));
  assert.throws(() => compileMatcher(null as never));
});

test('the cache compiles once per section object and fails closed on a broken one', () => {
  const errors: unknown[] = [];
  const matcherFor = createMatcherCache((err) => errors.push(err));
  const section = rules([], [['1.2.3.4', '32']]);
  const first = matcherFor(section);
  assert.equal(matcherFor(section), first);
  assert.notEqual(matcherFor(rules([], [['1.2.3.4', '32']])), first, 'a new object (a reloaded file) compiles again');
  const broken = Object.freeze({ whitelist: [{ address: '1.2.3.4', prefix: 99, family: 'ipv4' as const }] });
  assert.equal(matcherFor(broken), DENY_ALL);
  assert.equal(matcherFor(broken), DENY_ALL);
  assert.equal(errors.length, 1, 'reported once');
});
