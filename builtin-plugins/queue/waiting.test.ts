import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WaitingLines } from './waiting.ts';

test('FIFO: admit takes from the head, reservations count until the player arrives', () => {
  const q = new WaitingLines<string>(1000);
  assert.equal(q.enqueue('s', 'a', 1, 'A', 10, 0), 1);
  assert.equal(q.enqueue('s', 'b', 2, 'B', 10, 0), 2);
  assert.deepEqual(q.admit('s', 1, 0).map((w) => w.session), ['A']);
  assert.equal(q.reservedFor('s', new Set(), 0), 1);
  assert.equal(q.reservedFor('s', new Set([1]), 0), 0, 'arrived: no longer reserved');
  assert.deepEqual(q.positionOf(2), { serverId: 's', position: 1, waiting: 1 });
});

test('a ghost keeps its place within the grace, takes no slot, and expires', () => {
  const q = new WaitingLines<string>(1000);
  q.enqueue('s', 'a', 1, 'A', 10, 0);
  q.enqueue('s', 'b', 2, 'B', 10, 0);
  q.leave(1, 100);
  assert.deepEqual(q.positionOf(2), { serverId: 's', position: 2, waiting: 2 });
  assert.equal(q.enqueue('s', 'a', 3, 'A2', 10, 500), 1, 'back in place');
  q.leave(3, 600);
  assert.deepEqual(q.admit('s', 1, 700).map((w) => w.session), ['B'], 'the ghost is skipped');
  assert.deepEqual(q.servers(), ['s']);
  q.expire(1600);
  assert.deepEqual(q.servers(), []);
});

test('the line is bounded', () => {
  const q = new WaitingLines<string>(1000);
  assert.equal(q.enqueue('s', 'a', 1, 'A', 1, 0), 1);
  assert.equal(q.enqueue('s', 'b', 2, 'B', 1, 0), undefined);
});
