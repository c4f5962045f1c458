// Tests for __PLUGIN_ID__: run the built component in-process (no proxy, no sockets) with the
// guest test kit. Build first: `infrarust plugin build` (the test is skipped until then).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadGuest, type GuestHarness } from 'infrarust/sdk/testing';

const WASM = fileURLToPath(new URL('./__PLUGIN_ID__.wasm', import.meta.url));
const skip = existsSync(WASM) ? false : 'not built yet: run `infrarust plugin build` in this folder';

let guest: GuestHarness | undefined;
const load = async (): Promise<GuestHarness> => (guest ??= await loadGuest(WASM, { config: { motd: 'Configured', blocked: ['Mallory'] } }));
after(() => guest?.close());

const ping = () => ({
  conn: { connectionId: 1, remoteAddress: '127.0.0.1', remotePort: 50000 },
  domain: 'play.example.com',
  response: { version: { name: '1.21.4', protocol: 769 }, players: { max: 20, online: 0 }, description: { text: 'backend' } as unknown },
});

test('rewrites the MOTD with the configured text', { skip }, async () => {
  const g = await load();
  const event = await g.fire('ProxyPing', ping() as never);
  assert.deepEqual(event.response.description, { text: 'Configured', color: 'gold' });
});

test('denies a blocked name and lets others in', { skip }, async () => {
  const g = await load();
  const player = (username: string) => ({ connectionId: 2, username, remoteAddress: '127.0.0.1', protocolVersion: 769 });
  const blocked = await g.fire('PreLogin', { player: player('Mallory'), serverId: 'lobby' });
  assert.deepEqual(blocked.result, { type: 'denied', reason: '§cNo entry for Mallory' });
  const other = await g.fire('PreLogin', { player: player('Alice'), serverId: 'lobby' });
  assert.notEqual(other.result?.type, 'denied');
});

test('its command replies', { skip }, async () => {
  const g = await load();
  assert.deepEqual(await g.command('hello', ['Ann']), ['Hello, Ann! (#1)']);
  assert.deepEqual(await g.command('hello', [], 'Steve'), ['Hello, Steve! (#2)']);
});
