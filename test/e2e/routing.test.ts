// Routing with real clients: exact vs wildcard, specificity, runtime server files, failover,
// and the disconnect message when no backend answers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, KickError } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { freePort } from '../helpers/cli-process.ts';

const VERSION = '1.21.4';
let exact: Backend;
let wildNarrow: Backend;
let wildBroad: Backend;
let proxy: Harness;


before(async () => {
  [exact, wildNarrow, wildBroad] = await Promise.all([
    startBackend({ version: VERSION }),
    startBackend({ version: VERSION }),
    startBackend({ version: VERSION }),
  ]);
  proxy = await startProxy({
    servers: {
      // File names load a-before-z: the broad wildcard loads first and must still lose.
      a_broad: serverToml(['*.example.test'], [wildBroad.port]),
      b_narrow: serverToml(['*.mc.example.test'], [wildNarrow.port]),
      c_exact: serverToml(['play.mc.example.test'], [exact.port]),
    },
  });
});

after(async () => {
  await proxy?.stop();
  for (const b of [exact, wildNarrow, wildBroad]) await b?.close();
});

test('an exact domain beats a wildcard that also matches', async () => {
  await join({ port: proxy.port, domain: 'play.mc.example.test', version: VERSION, username: 'exact1' });
  assert.deepEqual(exact.joined, ['exact1']);
});

test('the most specific wildcard wins over a broader one loaded first', async () => {
  await join({ port: proxy.port, domain: 'other.mc.example.test', version: VERSION, username: 'narrow1' });
  await join({ port: proxy.port, domain: 'www.example.test', version: VERSION, username: 'broad1' });
  assert.deepEqual(wildNarrow.joined, ['narrow1']);
  assert.deepEqual(wildBroad.joined, ['broad1']);
});

test('routing ignores case, a trailing dot and a Forge marker; the backend gets the original bytes', async () => {
  await join({ port: proxy.port, domain: 'PLAY.mc.example.test.\0FML2\0', version: VERSION, username: 'forge1' });
  assert.ok(exact.joined.includes('forge1'));
  assert.ok(exact.hosts.includes('PLAY.mc.example.test.\0FML2\0'), `backend saw ${JSON.stringify(exact.hosts)}`);
});

test('a server file added at runtime routes without a restart, and removing it unroutes', async () => {
  const late = await startBackend({ version: VERSION });
  await assert.rejects(join({ port: proxy.port, domain: 'late.test', version: VERSION, username: 'early' }), KickError);
  const reloaded = proxy.nextReload();
  await proxy.writeServer('late', serverToml(['late.test'], [late.port]));
  await reloaded;
  await join({ port: proxy.port, domain: 'late.test', version: VERSION, username: 'late1' });
  assert.deepEqual(late.joined, ['late1']);
  const removed = proxy.nextReload();
  await proxy.removeServer('late');
  await removed;
  await assert.rejects(join({ port: proxy.port, domain: 'late.test', version: VERSION, username: 'late2' }), KickError);
  await late.close();
});

test('failover: a dead first address is skipped for the second', async () => {
  const dead = await freePort();
  const second = await startBackend({ version: VERSION });
  const reloaded = proxy.nextReload();
  await proxy.writeServer('failover', serverToml(['failover.test'], [dead, second.port]));
  await reloaded;
  await join({ port: proxy.port, domain: 'failover.test', version: VERSION, username: 'fo1' });
  assert.deepEqual(second.joined, ['fo1']);
  await second.close();
});

test('no backend answering: the player is kicked with disconnect_message', async () => {
  const dead = await freePort();
  const reloaded = proxy.nextReload();
  await proxy.writeServer('down', serverToml(['down.test'], [dead], 'disconnect_message = "§cDown for §lmaintenance"'));
  await reloaded;
  const err = await join({ port: proxy.port, domain: 'down.test', version: VERSION, username: 'kick1' }).then(
    () => assert.fail('join should have been refused'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof KickError, String(err));
  const reason = JSON.parse(err.reason) as { extra: { text: string; color?: string; bold?: boolean }[] };
  assert.deepEqual(reason.extra.map((p) => p.text).join(''), 'Down for maintenance');
  assert.equal(reason.extra[0].color, 'red');
  assert.equal(reason.extra[1].bold, true);
});

test('domain_rewrite: the backend sees the configured host, Forge marker kept', async () => {
  const target = await startBackend({ version: VERSION });
  const reloaded = proxy.nextReload();
  await proxy.writeServer('rewrite', serverToml(['rewrite.test'], [target.port], 'domain_rewrite = { explicit = "internal.lobby" }'));
  await reloaded;
  await join({ port: proxy.port, domain: 'rewrite.test\0FML3\0', version: VERSION, username: 'rw1' });
  assert.deepEqual(target.joined, ['rw1']);
  assert.deepEqual(target.hosts, ['internal.lobby\0FML3\0']);
  const reloaded2 = proxy.nextReload();
  await proxy.writeServer('rewrite', serverToml(['rewrite.test'], [target.port], 'domain_rewrite = "from_backend"'));
  await reloaded2;
  await join({ port: proxy.port, domain: 'rewrite.test', version: VERSION, username: 'rw2' });
  assert.equal(target.hosts[1], '127.0.0.1');
  await target.close();
});
