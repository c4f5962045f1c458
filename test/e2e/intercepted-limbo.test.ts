// A server with limbo_handlers, through the real proxy (issue 12 wired to the intercepted path):
// after the client's login the handler chain runs before the backend is dialled.
// - hold: the client gets the limbo world (a first Join Game), types /go, the handler completes
//   accept and the client is handed to the backend the way a server switch does it (1.20.2+
//   through the configuration state, older through the backend's Join Game); chat then works
//   both ways and the backend saw the player;
// - accept-only: no world, the first Join Game is the backend's;
// - deny: kicked with the reason, the backend never sees the player;
// - redirect: the player lands on the other server's backend.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, KickError } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { nextChat, onPlayerChat, sendSystemChat } from '../helpers/play-peer.ts';
import { accept, hold, type LimboHandler } from '../../sdk/limbo.ts';
import { deny, redirectTo } from '../../sdk/results.ts';

const VERSIONS = (process.env.VERSIONS ?? '1.8.8,1.12.2,1.16.5,1.20.1,1.20.4,1.21.4,26.1').split(',');
const PASS_VERSIONS = ['1.8.8', '1.21.4'].filter((v) => VERSIONS.includes(v));
const slug = (v: string): string => v.replace(/\./g, '_');

const backends = new Map<string, Backend>();
let other: Backend;
let proxy: Harness;

function greeter(backend: Backend, name: string): void {
  backend.server.on('playerJoin', (client: mc.ServerClient) => {
    onPlayerChat(client, (line) => {
      if (line.startsWith('hello')) sendSystemChat(client, `${name} says hi to ${client.username}`);
    });
  });
}

const handlers: LimboHandler[] = [
  {
    name: 'gate',
    onPlayerEnter: () => hold(),
    onCommand(session, command) {
      if (command === 'go') session.complete(accept());
    },
  },
  { name: 'pass', onPlayerEnter: () => accept() },
  { name: 'bouncer', onPlayerEnter: (s) => deny(`No entry for ${s.player.username}`) },
  { name: 'elsewhere', onPlayerEnter: () => redirectTo('other') },
];

before(async () => {
  other = await startBackend({ version: '1.21.4' });
  greeter(other, 'other');
  const servers: Record<string, string> = { other: serverToml(['other.test'], [other.port], 'proxy_mode = "offline"') };
  for (const version of VERSIONS) {
    const backend = await startBackend({ version });
    greeter(backend, 'backend');
    backends.set(version, backend);
    servers[`held-${slug(version)}`] = serverToml([`held.${version}.test`], [backend.port], 'proxy_mode = "offline"\nlimbo_handlers = ["pass", "gate"]');
  }
  const deniedBackend = await startBackend({ version: '1.21.4' });
  backends.set('denied', deniedBackend);
  servers.denied = serverToml(['denied.test'], [deniedBackend.port], 'proxy_mode = "offline"\nlimbo_handlers = ["bouncer"]');
  for (const version of PASS_VERSIONS) {
    servers[`passing-${slug(version)}`] = serverToml([`passing.${version}.test`], [backends.get(version)!.port], 'proxy_mode = "offline"\nlimbo_handlers = ["pass"]');
  }
  servers.redirecting = serverToml(['redirecting.test'], [deniedBackend.port], 'proxy_mode = "offline"\nlimbo_handlers = ["elsewhere"]');
  proxy = await startProxy({ servers, global: 'compression_threshold = 100\n' });
  for (const h of handlers) proxy.proxy.layers.registries.limbo.add('limbo-test#1', [h.name], h);
});

after(async () => {
  await proxy?.stop();
  for (const b of backends.values()) await b.close();
  await other?.close();
});

function nextLogin(client: mc.Client, timeoutMs = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no play login from the backend')), timeoutMs);
    client.once('login', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function chatWith(client: mc.Client, name: string, username: string): Promise<void> {
  const line = nextChat(client, `${name} says hi to ${username}`);
  client.chat(`hello from ${username}`);
  await line;
}

for (const version of VERSIONS) {
  test(`${version}: a holding limbo handler completes accept and the player reaches the backend`, async () => {
    const username = `Li${slug(version)}`.slice(0, 16);
    const backend = backends.get(version)!;
    const { client } = await join({ port: proxy.port, domain: `held.${version}.test`, version, username, keep: true });
    try {
      assert.ok(!backend.joined.includes(username), 'held in limbo: the backend has not seen the player yet');
      const reached = nextLogin(client);
      client.chat('/go');
      await reached;
      await chatWith(client, 'backend', username);
      assert.ok(backend.joined.includes(username));
      assert.equal(proxy.api.player(username)?.serverId, `held-${slug(version)}`);
    } finally {
      client.end();
    }
  });
}

test('an accept-only chain never shows the world: the first Join Game is the backend\'s', async () => {
  for (const version of PASS_VERSIONS) {
    const username = `Pass${slug(version)}`.slice(0, 16);
    let logins = 0;
    const { client } = await join({ port: proxy.port, domain: `passing.${version}.test`, version, username, keep: true, onClient: (c) => (c as unknown as EventEmitter).on('login', () => logins++) });
    try {
      await chatWith(client, 'backend', username);
      assert.equal(logins, 1, 'one Join Game: the backend\'s');
    } finally {
      client.end();
    }
  }
});

test('deny kicks with the reason; redirect lands on the other server', async () => {
  await assert.rejects(join({ port: proxy.port, domain: 'denied.test', version: '1.21.4', username: 'Nope' }), (err: unknown) => err instanceof KickError && JSON.stringify(err.reason).includes('No entry for Nope'));
  assert.ok(!backends.get('denied')!.joined.includes('Nope'));
  await join({ port: proxy.port, domain: 'redirecting.test', version: '1.21.4', username: 'Moved' });
  assert.ok(other.joined.includes('Moved'), 'the redirect target saw the player');
  assert.ok(!backends.get('denied')!.joined.includes('Moved'));
});
