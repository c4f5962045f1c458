// Premium auto-login against a fake profile-lookup server on 127.0.0.1 that answers like
// api.mojang.com/users/profiles/minecraft/<name>: 200 with { id, name } or 404.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventMap } from '../../sdk/index.ts';
import { testContext } from 'infrarust/sdk/testing';
import { pluginLoader } from './fake-session.ts';

const loadPlugin = pluginLoader(testContext);

const KNOWN = new Map([['notch', { id: '069a79f444e94726a5befca90e38aaf5', name: 'Notch' }]]);
let server: Server;
let url: string;
const queries: string[] = [];
let failNext = 0;

before(async () => {
  server = createServer((req, res) => {
    const name = decodeURIComponent(req.url!.split('/').pop()!);
    queries.push(name);
    if (failNext > 0) {
      failNext--;
      res.writeHead(429).end();
      return;
    }
    const profile = KNOWN.get(name.toLowerCase());
    if (profile === undefined) res.writeHead(404, { 'content-type': 'application/json' }).end('{"errorMessage":"Couldn\'t find any profile with name"}');
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(profile));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/users/profiles/minecraft/`;
});
after(() => new Promise<void>((r) => server.close(() => r())));

let nextId = 100;
const player = (username: string) => ({ connectionId: nextId++, username, remoteAddress: '203.0.113.7', protocolVersion: 769 });
const preLogin = (username: string): EventMap['PreLogin'] => ({ player: player(username), serverId: 'lobby' });

test('premium.enabled: a real Mojang name is forced online, an unknown one is left alone, answers are cached', async () => {
  const p = await loadPlugin({ premium: { enabled: true, lookup_url: url } });
  try {
    queries.length = 0;
    assert.deepEqual((await p.t.fire('PreLogin', preLogin('Notch'))).result, { type: 'force-online' });
    assert.equal((await p.t.fire('PreLogin', preLogin('CrackedSteve'))).result, undefined);
    assert.deepEqual((await p.t.fire('PreLogin', preLogin('notch'))).result, { type: 'force-online' });
    assert.equal((await p.t.fire('PreLogin', preLogin('CrackedSteve'))).result, undefined);
    assert.deepEqual(queries, ['Notch', 'CrackedSteve'], 'the second lookups came from the cache');
  } finally {
    await p.close();
  }
});

test('after OnlineAuthFailed the name is remembered as cracked and plays offline', async () => {
  const p = await loadPlugin({ premium: { enabled: true, lookup_url: url } });
  try {
    assert.deepEqual((await p.t.fire('PreLogin', preLogin('Notch'))).result, { type: 'force-online' });
    await p.t.fire('OnlineAuthFailed', { player: player('Notch'), reason: 'Failed to verify username!' });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual((await p.t.fire('PreLogin', preLogin('NOTCH'))).result, { type: 'force-offline' });
  } finally {
    await p.close();
  }
});

test('a failed lookup (429) is not cached and lets the player in offline, with a warning', async () => {
  const p = await loadPlugin({ premium: { enabled: true, lookup_url: url } });
  try {
    failNext = 1;
    assert.equal((await p.t.fire('PreLogin', preLogin('Notch'))).result, undefined);
    assert.ok(p.t.logs.some((l) => l.level === 'warn' && l.msg.startsWith('premium lookup failed')));
    assert.deepEqual((await p.t.fire('PreLogin', preLogin('Notch'))).result, { type: 'force-online' });
  } finally {
    await p.close();
  }
});

test('premium off (the default): no PreLogin listener, no lookups', async () => {
  const p = await loadPlugin({ premium: { lookup_url: url } });
  try {
    queries.length = 0;
    assert.equal((await p.t.fire('PreLogin', preLogin('Notch'))).result, undefined);
    assert.deepEqual(queries, []);
  } finally {
    await p.close();
  }
});
