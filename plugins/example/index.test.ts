import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testContext } from 'infrarust/sdk/testing';
import plugin from './index.ts';

test('registers one of each layer and counts through them', async () => {
  const t = testContext(plugin.configSchema!.parse({}));
  await plugin.setup(t.ctx);
  assert.equal(t.transportFilters.length, 1);
  assert.equal(t.codecFilters.length, 1);
  assert.ok(t.limboHandlers.has('example-pass'));
  const filter = t.transportFilters[0];
  const ctx = { connectionId: 1, remoteAddress: '127.0.0.1', remotePort: 1, localPort: 25565 };
  assert.deepEqual(await filter.onAccept!(ctx), { type: 'continue' });
  filter.onClose!(ctx);
  const replies: string[] = [];
  await t.commands.get('example')!.execute({ reply: (s) => replies.push(s), hasPermission: () => true }, []);
  assert.match(replies[0], /accepted 1, closed 1/);
});
