// Unit test for __PLUGIN_ID__: runs under `npm test`, no proxy or sockets needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { componentToLegacy } from 'infrarust/sdk';
import { testContext } from 'infrarust/sdk/testing';
import plugin from './index.ts';

const ping = () => ({
  conn: { connectionId: 1, remoteAddress: '127.0.0.1', remotePort: 50000 },
  domain: 'play.example.com',
  response: { version: { name: '1.21.4', protocol: 769 }, players: { max: 20, online: 0 }, description: { text: 'backend' } },
});

test('rewrites the MOTD with the configured text', async () => {
  const t = testContext(plugin.configSchema!.parse({ motd: '§aConfigured' }));
  await plugin.setup(t.ctx);
  const event = await t.fire('ProxyPing', ping());
  assert.equal(componentToLegacy(event.response.description), '§aConfigured');
});

test('registers its command, which replies', async () => {
  const t = testContext(plugin.configSchema!.parse({}));
  await plugin.setup(t.ctx);
  const replies: string[] = [];
  await t.commands.get('__PLUGIN_ID__')!.execute({ reply: (s) => replies.push(s), hasPermission: () => true }, []);
  assert.deepEqual(replies, ['Hello from test-plugin']);
});
