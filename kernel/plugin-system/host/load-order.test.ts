import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadOrder } from './load-order.ts';
import type { PluginManifest } from '../../../sdk/plugin.ts';

const m = (id: string, deps: { id: string; optional?: boolean }[] = []): [string, PluginManifest] => [
  id,
  { id, version: '1.0.0', apiVersion: '^0.1.0', dependencies: deps },
];

test('dependencies load first, ties by id', () => {
  const r = loadOrder(new Map([m('c', [{ id: 'a' }]), m('b'), m('a')]));
  assert.deepEqual(r.order, ['a', 'b', 'c']);
  const r2 = loadOrder(new Map([m('a', [{ id: 'z' }]), m('z')]));
  assert.deepEqual(r2.order, ['z', 'a']);
});

test('a missing required dependency skips the plugin and its dependents, the rest load', () => {
  const r = loadOrder(new Map([m('a', [{ id: 'ghost' }]), m('b', [{ id: 'a' }]), m('c')]));
  assert.deepEqual(r.order, ['c']);
  assert.match(r.skipped.find((s) => s.id === 'a')!.reason, /"ghost", which is not installed/);
  assert.match(r.skipped.find((s) => s.id === 'b')!.reason, /"a", which cannot load/);
});

test('a missing optional dependency is fine; a present one loads first', () => {
  assert.deepEqual(loadOrder(new Map([m('a', [{ id: 'ghost', optional: true }])])).order, ['a']);
  assert.deepEqual(loadOrder(new Map([m('a', [{ id: 'b', optional: true }]), m('b')])).order, ['b', 'a']);
});

test('a cycle skips its members with the path in the reason', () => {
  const r = loadOrder(new Map([m('a', [{ id: 'b' }]), m('b', [{ id: 'a' }]), m('free')]));
  assert.deepEqual(r.order, ['free']);
  assert.match(r.skipped.find((s) => s.id === 'a')!.reason, /a -> b -> a/);
  assert.ok(r.skipped.some((s) => s.id === 'b'));
});
