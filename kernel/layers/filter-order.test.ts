import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderFilters } from './filter-order.ts';
import type { FilterMetadata } from '../../sdk/filters.ts';
import { isInfrarustError } from '../errors.ts';

const ids = (items: FilterMetadata[]): string[] => orderFilters(items).map((f) => f.id);

test('without constraints: priority first (default 128), then id', () => {
  assert.deepEqual(ids([{ id: 'b' }, { id: 'z', priority: 0 }, { id: 'a' }, { id: 'm', priority: 255 }, { id: 'c', priority: 128 }]), ['z', 'a', 'b', 'c', 'm']);
});

test('after and before win over priority', () => {
  const order = ids([
    { id: 'early', priority: 0, after: ['late'] },
    { id: 'late', priority: 255 },
    { id: 'mid', before: ['late'] },
  ]);
  assert.deepEqual(order, ['mid', 'late', 'early']);
});

test('before puts a filter ahead of one that would otherwise run first', () => {
  assert.deepEqual(ids([{ id: 'a', priority: 0 }, { id: 'b', priority: 200, before: ['a'] }]), ['b', 'a']);
});

test('constraints on ids that are not registered are ignored', () => {
  assert.deepEqual(ids([{ id: 'b', after: ['ghost'] }, { id: 'a', before: ['phantom'] }]), ['a', 'b']);
});

test('the order does not depend on input order', () => {
  const items: FilterMetadata[] = [
    { id: 'log', priority: 255 },
    { id: 'ratelimit', priority: 0 },
    { id: 'decrypt', before: ['ratelimit', 'inspect'] },
    { id: 'inspect', after: ['ratelimit'] },
    { id: 'metrics' },
  ];
  const expected = ['decrypt', 'ratelimit', 'inspect', 'metrics', 'log'];
  for (let shift = 0; shift < items.length; shift++) {
    const rotated = [...items.slice(shift), ...items.slice(0, shift)];
    assert.deepEqual(ids(rotated), expected);
    assert.deepEqual(ids([...rotated].reverse()), expected);
  }
});

test('a cycle throws with its path in the message', () => {
  assert.throws(
    () => orderFilters([{ id: 'b', after: ['a'] }, { id: 'a', after: ['b'] }, { id: 'free' }]),
    (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_FILTER_CYCLE') && /\ba -> b -> a\b/.test(err.message),
  );
});

test('a cycle built from both after and before names every member', () => {
  // x before y, y before z, z after... x after z closes it: x -> y -> z -> x.
  const items: FilterMetadata[] = [{ id: 'x', before: ['y'] }, { id: 'y', before: ['z'] }, { id: 'z', before: ['x'] }, { id: 'w', after: ['z'] }];
  assert.throws(() => orderFilters(items, 'codec filter'), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_FILTER_CYCLE') && /codec filters x -> y -> z -> x /.test(err.message));
});

test('a filter that must run after itself is a cycle', () => {
  assert.throws(() => orderFilters([{ id: 'self', after: ['self'] }]), /self -> self/);
});

test('duplicate ids and bad priorities are refused', () => {
  assert.throws(() => orderFilters([{ id: 'a' }, { id: 'a' }]), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_FILTER_DUPLICATE') && /"a"/.test(err.message));
  assert.throws(() => orderFilters([{ id: 'a', priority: 300 }]), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_REGISTRATION_INVALID'));
  assert.throws(() => orderFilters([{ id: '' }]), (err) => isInfrarustError(err, 'IR_ERR_PLUGIN_REGISTRATION_INVALID'));
});

test('returns the same objects, and an empty list for no filters', () => {
  const a = { id: 'a', extra: 1 };
  assert.equal(orderFilters([a])[0], a);
  assert.deepEqual(orderFilters([]), []);
});
