import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../log/logger.ts';
import type { ProxiedConnection } from './proxy-header.ts';
import { parseCidr } from '../../sdk/cidr.ts';
import { ProxyHeaderReceiver } from './proxy-header.ts';

function fakeLog(): { log: Logger; warns: unknown[][] } {
  const warns: unknown[][] = [];
  const log = { warn: (...args: unknown[]) => warns.push(args), debug: () => undefined } as unknown as Logger;
  return { log, warns };
}

function peer(remoteAddress: string): ProxiedConnection & { destroyed: boolean } {
  const ctx = { remoteAddress, remotePort: 1, destroyed: false, socket: { destroy: () => void (ctx.destroyed = true) } };
  return ctx as unknown as ProxiedConnection & { destroyed: boolean };
}

test('an empty trusted_proxies logs one startup warning', () => {
  const { log, warns } = fakeLog();
  new ProxyHeaderReceiver([], log);
  assert.equal(warns.length, 1);
  assert.match(String(warns[0][0]), /trusted_proxies is empty/);
});

test('untrusted peers are closed at once, with one warning per minute that counts the rest', async () => {
  const { log, warns } = fakeLog();
  const receiver = new ProxyHeaderReceiver([parseCidr('10.0.0.0/8'), parseCidr('2001:db8::/32')], log);
  assert.equal(warns.length, 0);
  const outsiders = ['192.0.2.1', '::ffff:192.0.2.2', '2001:db9::1', 'unknown'].map(peer);
  for (const ctx of outsiders) assert.equal(await receiver.receive(ctx), false);
  assert.ok(outsiders.every((c) => c.destroyed));
  assert.equal(warns.length, 1);
  assert.deepEqual(warns[0][0], { remote: '192.0.2.1', suppressed: 0 });
});
