// max_connections caps concurrent connections; a freed slot is usable again at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { startProxy, type Harness } from '../helpers/proxy-harness.ts';

let proxy: Harness;

before(async () => {
  proxy = await startProxy({ global: 'max_connections = 2' });
});

after(async () => {
  await proxy?.stop();
});

/** Connects and reports whether the proxy kept the socket open for `ms`. */
function heldOpen(ms: number): Promise<{ open: boolean; socket: Socket }> {
  return new Promise((resolve) => {
    const socket = connect(proxy.port, '127.0.0.1');
    socket.on('error', () => undefined);
    const timer = setTimeout(() => resolve({ open: true, socket }), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ open: false, socket });
    });
  });
}

test('the third concurrent connection is refused, and a freed slot is reused', async () => {
  const a = await heldOpen(200);
  const b = await heldOpen(200);
  assert.equal(a.open && b.open, true);
  assert.equal(proxy.proxy.activeConnections, 2);
  const c = await heldOpen(500);
  assert.equal(c.open, false, 'over max_connections the socket is closed at once');
  a.socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  const d = await heldOpen(200);
  assert.equal(d.open, true);
  b.socket.destroy();
  d.socket.destroy();
});
