import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RangeIndex } from './range-index.ts';
import { parseCidr, parseIp } from './ip.ts';

test('finds every containing range, narrowest first, per family', () => {
  const idx = new RangeIndex<string>();
  idx.add(parseCidr('10.0.0.0/8')!, 'wide');
  idx.add(parseCidr('10.1.0.0/16')!, 'narrow');
  idx.add(parseCidr('2001:db8::/32')!, 'v6');
  assert.deepEqual([...idx.matches(parseIp('10.1.2.3')!)], ['narrow', 'wide']);
  assert.deepEqual([...idx.matches(parseIp('10.2.0.1')!)], ['wide']);
  assert.deepEqual([...idx.matches(parseIp('11.0.0.1')!)], []);
  assert.deepEqual([...idx.matches(parseIp('2001:db8::42')!)], ['v6']);
  assert.deepEqual([...idx.matches(parseIp('::ffff:10.1.0.9')!)], ['narrow', 'wide'], 'v4-mapped addresses match v4 ranges');
});

test('removing a range (or one of two identical ones) updates lookups', () => {
  const idx = new RangeIndex<string>();
  const r = parseCidr('192.0.2.0/24')!;
  idx.add(r, 'a');
  idx.add(r, 'b');
  idx.remove(r, 'a');
  assert.deepEqual([...idx.matches(parseIp('192.0.2.7')!)], ['b']);
  idx.remove(r, 'b');
  assert.deepEqual([...idx.matches(parseIp('192.0.2.7')!)], []);
});
