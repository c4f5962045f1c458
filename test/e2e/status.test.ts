// Server-list pings through the proxy: relayed per backend, cached, MOTD fallbacks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { ping, plainText } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { freePort } from '../helpers/cli-process.ts';

let alpha: Backend;
let beta: Backend;
let proxy: Harness;
let deadPort: number;
// A 1x1 PNG, written raw (no data: prefix) as users may; the proxy serves it as a data URI.
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';


before(async () => {
  alpha = await startBackend({ version: '1.21.4', motd: 'Alpha backend', maxPlayers: 11 });
  beta = await startBackend({ version: '1.20.4', motd: 'Beta backend', maxPlayers: 22 });
  deadPort = await freePort();
  proxy = await startProxy({
    global: `
[status_cache]
ttl = "30s"
[default_motd.online]
text = "§6Default MOTD of the proxy"
version_name = "Proxy"
favicon = "${PNG_BASE64}"
`,
    servers: {
      alpha: serverToml(['alpha.test'], [alpha.port]),
      beta: serverToml(['beta.test'], [beta.port]),
      override: serverToml(['override.test'], [alpha.port], `
[motd.online]
text = "§bOverridden text"
max_players = 500
`),
      dead: serverToml(['dead.test'], [deadPort], `
[motd.unreachable]
text = "§cDead server is down"
version_name = "Maintenance"
[motd.online]
text = "must not be shown for an unreachable server"
`),
    },
  });
});

after(async () => {
  await proxy?.stop();
  await alpha?.close();
  await beta?.close();
});

test('each domain gets its own backend MOTD', async () => {
  const a = await ping(proxy.port, 'alpha.test', '1.21.4');
  const b = await ping(proxy.port, 'beta.test', '1.20.4');
  assert.equal(plainText(a.description), 'Alpha backend');
  assert.equal(a.players.max, 11);
  assert.equal(plainText(b.description), 'Beta backend');
  assert.equal(b.players.max, 22);
});

test('[motd.online] overrides the backend answer', async () => {
  const r = await ping(proxy.port, 'override.test', '1.21.4');
  assert.equal(plainText(r.description), 'Overridden text');
  assert.equal(r.players.max, 500);
});

test('an unknown domain gets the default MOTD instead of a closed socket', async () => {
  const r = await ping(proxy.port, 'nobody.test', '1.21.4');
  assert.equal(plainText(r.description), 'Default MOTD of the proxy');
  assert.equal(r.version.name, 'Proxy');
  assert.equal(r.favicon, `data:image/png;base64,${PNG_BASE64}`);
});

test('a dead backend gets its unreachable MOTD, without the online overrides', async () => {
  const r = await ping(proxy.port, 'dead.test', '1.21.4');
  assert.equal(plainText(r.description), 'Dead server is down');
  assert.equal(r.version.name, 'Maintenance');
});

test('pings are cached: a backend that goes away keeps answering from cache within ttl', async () => {
  const gamma = await startBackend({ version: '1.21.4', motd: 'Gamma backend' });
  await proxy.writeServer('gamma', serverToml(['gamma.test'], [gamma.port]));
  await proxy.nextReload();
  assert.equal(plainText((await ping(proxy.port, 'gamma.test')).description), 'Gamma backend');
  await gamma.close();
  assert.equal(plainText((await ping(proxy.port, 'gamma.test')).description), 'Gamma backend');
});

test('concurrent pings to one server cost one backend request', async () => {
  const delta = await startBackend({ version: '1.21.4', motd: 'Delta backend' });
  let statusRequests = 0;
  (delta.server as unknown as EventEmitter).on('connection', (client: EventEmitter) => client.on('ping_start', () => statusRequests++));
  await proxy.writeServer('delta', serverToml(['delta.test'], [delta.port]));
  await proxy.nextReload();
  const answers = await Promise.all(Array.from({ length: 20 }, () => ping(proxy.port, 'delta.test')));
  assert.ok(answers.every((a) => plainText(a.description) === 'Delta backend'));
  assert.equal(statusRequests, 1);
  await delta.close();
});
