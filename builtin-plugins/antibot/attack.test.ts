import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttackDetector, type AttackChange } from './attack.ts';

function detector(threshold = 5, cooldownMs = 3000) {
  const changes: AttackChange[] = [];
  const d = new AttackDetector({ threshold, windowMs: 1000, cooldownMs }, (c) => changes.push(c));
  return { d, changes };
}

test('at or below the threshold nothing changes; the first join above it starts the attack', () => {
  const { d, changes } = detector(5);
  for (let i = 0; i < 5; i++) d.record(1000 + i);
  assert.equal(d.check(1010), false, '5 joins/s is not above 5');
  d.record(1010);
  assert.equal(d.underAttack, true);
  assert.equal(changes.length, 1);
  assert.equal(changes[0]!.type, 'started');
  assert.equal((changes[0] as { joinsPerSecond: number }).joinsPerSecond, 6);
});

test('the attack stays on for the cooldown after the rate last exceeded the threshold, then ends with a summary', () => {
  const { d, changes } = detector(5, 3000);
  for (let i = 0; i < 20; i++) d.record(1000 + i * 10); // 20 joins in 0.2 s
  assert.equal(d.check(1500), true, 'the window still holds the flood: the rate is above the threshold at 1.5 s');
  assert.equal(d.check(2500), true, 'the rate dropped, the cooldown runs');
  d.record(3000); // one join: far below the threshold, does not extend the attack
  assert.equal(d.check(4499), true, 'the rate was last seen above the threshold at 1.5 s');
  assert.equal(d.check(4500), false);
  assert.equal(changes.length, 2);
  const end = changes[1]!;
  assert.equal(end.type, 'ended');
  if (end.type !== 'ended') return;
  assert.equal(end.startedAt, 1050);
  assert.equal(end.peakJoinsPerSecond, 20);
  assert.equal(end.joins, 21);
  assert.equal(d.check(5000), false);
  assert.equal(changes.length, 2, 'ends once');
});

test('a new flood during the cooldown keeps the same attack; after it ended a flood starts a second one', () => {
  const { d, changes } = detector(2, 1000);
  for (let i = 0; i < 5; i++) d.record(1000 + i);
  for (let i = 0; i < 5; i++) d.record(1800 + i);
  assert.equal(changes.length, 1);
  assert.equal(d.check(2900), false);
  for (let i = 0; i < 5; i++) d.record(10_000 + i);
  assert.deepEqual(changes.map((c) => c.type), ['started', 'ended', 'started']);
});
