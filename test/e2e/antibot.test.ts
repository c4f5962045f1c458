// The builtin `antibot` plugin end to end: offline servers with limbo_handlers = ["antibot"]
// and a low threshold (joins_per_second = 5 over a 2 s window).
// - below the threshold a join is not held: its first Join Game is the backend's;
// - a flood of 20 scripted joins that never chat turns attack mode on: the joins past the
//   threshold are held in the limbo and kicked after check_timeout with the timeout message,
//   and the backend never sees them;
// - amid the attack a real 1.21.4 client reads the code from chat and types it, a real 1.8.8
//   client answers with /verify <code>: both reach the backend and chat with it;
// - a verified player rejoins during the attack without a hold;
// - the attack ends after the cooldown with a summary line; the `antibot` service counted it all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { EventEmitter } from 'node:events';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { nextChat, onPlayerChat, sendSystemChat } from '../helpers/play-peer.ts';
import type { AntibotService } from '../../builtin-plugins/antibot/api.ts';

const FLOOD = 20;
const CHECK_TIMEOUT_MS = 3000;
const backends = new Map<string, Backend>();
let proxy: Harness;

before(async () => {
  const servers: Record<string, string> = {};
  for (const version of ['1.21.4', '1.8.8']) {
    const backend = await startBackend({ version });
    backend.server.on('playerJoin', (client: mc.ServerClient) => {
      onPlayerChat(client, (line) => {
        if (line.startsWith('hello')) sendSystemChat(client, `backend says hi to ${client.username}`);
      });
    });
    backends.set(version, backend);
    servers[`s${version.replace(/\./g, '')}`] = serverToml([`${version}.test`], [backend.port], 'proxy_mode = "offline"\nlimbo_handlers = ["antibot"]');
  }
  const global = [
    '[plugins.antibot]',
    'joins_per_second = 5',
    'window = "2s"',
    'attack_cooldown = "12s"',
    `check_timeout = "${CHECK_TIMEOUT_MS}ms"`,
    'reminder_interval = "1s"',
  ].join('\n');
  proxy = await startProxy({ servers, global, builtins: ['antibot'], captureLogs: 'info' });
});

after(async () => {
  await proxy?.stop();
  for (const b of backends.values()) await b.close();
});

const service = (): AntibotService => proxy.proxy.layers.registries.services.get('antibot') as AntibotService;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function chatWithBackend(client: mc.Client, username: string): Promise<void> {
  const line = nextChat(client, `backend says hi to ${username}`, 8000);
  client.chat(`hello from ${username}`);
  await line;
}

function nextLogin(client: mc.Client, timeoutMs = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no Join Game from the backend')), timeoutMs);
    client.once('login', () => (clearTimeout(timer), resolve()));
  });
}

/** The reason a client was kicked with after it reached play, or undefined if it was not within `ms`. */
function kickedWithin(client: mc.Client, ms: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    const done = (reason: string | undefined): void => (clearTimeout(timer), resolve(reason));
    client.once('kick_disconnect', (p: { reason: unknown }) => done(JSON.stringify(p.reason)));
    client.once('end', () => done('(connection ended without a reason)'));
  });
}

test('below the threshold a join is not held: the first Join Game is the backend\'s', async () => {
  let logins = 0;
  const { client } = await join({ port: proxy.port, domain: '1.21.4.test', version: '1.21.4', username: 'Calm', keep: true, onClient: (c) => (c as unknown as EventEmitter).on('login', () => logins++) });
  try {
    await chatWithBackend(client, 'Calm');
    assert.equal(logins, 1, 'one Join Game: the backend\'s');
    assert.ok(backends.get('1.21.4')!.joined.includes('Calm'));
    assert.equal(service().stats().attack, false);
  } finally {
    client.end();
  }
});

/** A real player who reads the code from chat and answers with `answer(code)`; resolves once it chatted with the backend. */
async function verifyAmidAttack(version: string, username: string, answer: (code: string) => string): Promise<void> {
  const backend = backends.get(version)!;
  let prompt: Promise<string> | undefined;
  const { client } = await join({ port: proxy.port, domain: `${version}.test`, version, username, keep: true, onClient: (c) => void (prompt = nextChat(c, 'in chat', 8000)) });
  try {
    const text = await prompt!;
    assert.ok(!backend.joined.includes(username), 'held in the limbo: the backend has not seen the player');
    const code = /type ([A-Z2-9]{4,8}) in chat/.exec(text)?.[1];
    assert.ok(code !== undefined, `a code in "${text}"`);
    const reached = nextLogin(client);
    client.chat(answer(code));
    await reached;
    await chatWithBackend(client, username);
    assert.ok(backend.joined.includes(username));
  } finally {
    client.end();
  }
}

test('a flood turns attack mode on: joins past the threshold are held and kicked after check_timeout; real players amid it pass', async () => {
  const backend = backends.get('1.21.4')!;
  const flood = await Promise.all(
    Array.from({ length: FLOOD }, async (_, i) => {
      const username = `Bot${i}`;
      const { client } = await join({ port: proxy.port, domain: '1.21.4.test', version: '1.21.4', username, keep: true });
      return { username, client, kicked: kickedWithin(client, CHECK_TIMEOUT_MS + 4000) };
    }),
  );
  try {
    assert.equal(service().stats().attack, true);
    assert.ok(proxy.logs.some((l) => l.level === 40 && /attack mode on/.test(l.msg)), 'the attack is logged');
    await Promise.all([
      verifyAmidAttack('1.21.4', 'RealModern', (code) => code.toLowerCase()),
      verifyAmidAttack('1.8.8', 'RealLegacy', (code) => `/verify ${code}`),
    ]);
    const reasons = await Promise.all(flood.map((f) => f.kicked));
    const held = flood.filter((_, i) => reasons[i] !== undefined);
    // At most threshold × window (10) joins fit under the threshold; the rest of a burst is held.
    assert.ok(held.length >= FLOOD / 2, `most of the flood was held (${held.length} of ${FLOOD})`);
    for (const [i, f] of flood.entries()) {
      if (reasons[i] === undefined) assert.ok(backend.joined.includes(f.username), `${f.username} was neither kicked nor let through`);
      else {
        assert.match(reasons[i]!, /took too long to answer the bot check/, f.username);
        assert.ok(!backend.joined.includes(f.username), `${f.username} was held, the backend never saw it`);
      }
    }
    const stats = service().stats();
    assert.equal(stats.failedTimeout, held.length);
    assert.equal(stats.passed, 2);
    assert.equal(stats.held, 0);
  } finally {
    // end() on a client the proxy already closed would leave minecraft-protocol's 30 s close timer behind
    for (const f of flood) if (f.client.socket?.destroyed !== true) f.client.end();
  }
});

test('a verified player rejoins during the attack without a hold', async () => {
  assert.equal(service().stats().attack, true, 'still under attack (cooldown)');
  let logins = 0;
  const { client } = await join({ port: proxy.port, domain: '1.21.4.test', version: '1.21.4', username: 'RealModern', keep: true, onClient: (c) => (c as unknown as EventEmitter).on('login', () => logins++) });
  try {
    await chatWithBackend(client, 'RealModern');
    assert.equal(logins, 1, 'no limbo world: the first Join Game is the backend\'s');
    assert.equal(service().stats().remembered, 1);
  } finally {
    client.end();
  }
});

test('the attack ends after the cooldown with a summary line of the checks', async () => {
  const deadline = Date.now() + 20_000;
  while (service().stats().attack && Date.now() < deadline) await sleep(250);
  assert.equal(service().stats().attack, false);
  await sleep(1200); // the tick that logs it
  const summary = proxy.logs.find((l) => /attack mode off: summary/.test(l.msg));
  assert.ok(summary, 'summary logged');
  assert.equal(summary.passed, 2);
  assert.equal(summary.failed, service().stats().failed);
  assert.ok((summary.failed as number) >= FLOOD / 2);
  const logs = JSON.stringify(proxy.logs);
  assert.ok(!/hello from/.test(logs), 'no chat content in the logs');
});
