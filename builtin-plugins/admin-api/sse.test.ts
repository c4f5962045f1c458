import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseHub } from './sse.ts';

test('a client that does not read is dropped once it is maxQueuedBytes behind; readers keep getting events', async () => {
  const hub = new SseHub({ maxClients: 10, maxQueuedBytes: 4096, keepaliveMs: 60_000 });
  const slow = hub.open()!;
  const fast = hub.open()!;
  const reader = fast.getReader();
  let got = 0;
  const reading = (async () => {
    for (;;) {
      const { done } = await reader.read().catch(() => ({ done: true }));
      if (done) return;
      got++;
    }
  })();
  for (let i = 0; i < 200; i++) {
    hub.send('x', { i, pad: 'y'.repeat(100) });
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(hub.dropped, 1);
  assert.equal(hub.size, 1);
  assert.ok(got >= 200);
  await assert.rejects(slow.getReader().read(), /closed/);
  hub.close();
  await reading;
});

test('past maxClients, open answers undefined; a filter selects events; cancel frees the slot', async () => {
  const hub = new SseHub({ maxClients: 1, maxQueuedBytes: 4096, keepaliveMs: 60_000 });
  let closed = 0;
  const a = hub.open((type) => type === 'keep', () => closed++)!;
  assert.equal(hub.open(), undefined);
  hub.send('drop', {});
  hub.send('keep', { ok: 1 });
  const r = a.getReader();
  const text = new TextDecoder().decode((await r.read()).value) + new TextDecoder().decode((await r.read()).value);
  assert.match(text, /event: keep/);
  assert.doesNotMatch(text, /event: drop/);
  await r.cancel();
  assert.equal(closed, 1);
  assert.ok(hub.open() !== undefined);
  hub.close();
});
