import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NamedRegistry } from './registries.ts';

test('another plugin cannot take a name', () => {
  const r = new NamedRegistry<string>('command');
  r.add('a#1', ['hello'], 'A');
  assert.throws(() => r.add('b#1', ['hello'], 'B'), /command "hello" is already registered by plugin a/);
});

test('a reload shadows the old generation; undoing either keeps the right one', () => {
  const r = new NamedRegistry<string>('command');
  const undoOld = r.add('a#1', ['hello'], 'old');
  const undoNew = r.add('a#2', ['hello'], 'new');
  assert.equal(r.get('hello'), 'new');
  undoOld();
  assert.equal(r.get('hello'), 'new');
  undoNew();
  assert.equal(r.get('hello'), undefined);
  assert.deepEqual(r.owned('a#2'), []);
});

test('a failed reload (new undone first) falls back to the old entry', () => {
  const r = new NamedRegistry<string>('service');
  r.add('a#1', ['svc'], 'old');
  const undoNew = r.add('a#2', ['svc'], 'new');
  undoNew();
  assert.equal(r.get('svc'), 'old');
});
