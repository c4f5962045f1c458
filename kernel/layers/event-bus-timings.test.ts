// EventBus.timings() (ProxyApi.stats().events): every call counted, promise-returning calls timed,
// synchronous ones sampled 1 in 64, per plugin (owner generation dropped) and event, and the counts
// of removed listeners kept so totals never go down.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from './event-bus.ts';
import { recordingLogger } from './test-logger.ts';
import type { EventMap, PlayerRef } from '../../sdk/events.ts';

const player: PlayerRef = { connectionId: 1, username: 'Steve', remoteAddress: '127.0.0.1', protocolVersion: 767 };
const chat = (): EventMap['ChatMessage'] => ({ player, message: 'hi' });
const find = (b: EventBus, owner: string, event: string) => b.timings().find((t) => t.owner === owner && t.event === event)?.counts;

test('sync calls are counted and 1 in 64 timed; async calls are timed each', async () => {
  const b = new EventBus({ logger: recordingLogger() });
  b.on('quick#1', 'ChatMessage', () => undefined);
  b.on('slow#1', 'ChatMessage', () => new Promise<void>((r) => setTimeout(r, 20)));
  for (let i = 0; i < 128; i++) b.dispatch('ChatMessage', chat()); // 128 sync calls; the async one runs after each
  await b.fire('ChatMessage', chat());
  const quick = find(b, 'quick', 'ChatMessage')!;
  assert.equal(quick.calls, 129);
  assert.equal(quick.asyncCalls, 0);
  assert.equal(quick.syncSampled, 2);
  await new Promise((r) => setTimeout(r, 50));
  const slow = find(b, 'slow', 'ChatMessage')!;
  assert.equal(slow.calls, 129);
  assert.equal(slow.asyncCalls, 129);
  assert.ok(slow.asyncSeconds >= 0.019, `the last call alone took 20 ms (${slow.asyncSeconds})`);
});

test('counts survive unregistering and a reload (a new generation of the same plugin adds up)', () => {
  const b = new EventBus({ logger: recordingLogger() });
  const off = b.on('p#1', 'ChatMessage', () => undefined);
  b.dispatch('ChatMessage', chat());
  off();
  b.on('p#2', 'ChatMessage', () => undefined);
  b.dispatch('ChatMessage', chat());
  assert.equal(find(b, 'p', 'ChatMessage')!.calls, 2);
  assert.equal(b.removeOwner('p#2'), 1);
  assert.equal(find(b, 'p', 'ChatMessage')!.calls, 2);
});
