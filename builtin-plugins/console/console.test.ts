import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { testContext, testPlayer } from 'infrarust/sdk/testing';
import plugin from './index.ts';
import { completeWord, parseLine } from './parse.ts';
import { redact } from './core-commands.ts';
import { startTerminal } from './terminal.ts';

test('lines split into words, quotes keep spaces', () => {
  assert.deepEqual(parseLine('kick  Steve "bye now" \'x y\''), ['kick', 'Steve', 'bye now', 'x y']);
  assert.deepEqual(parseLine('   '), []);
});

test('completion is a case-insensitive prefix match on the last word', () => {
  assert.deepEqual(completeWord('ki', ['kick', 'kick-ip', 'list']), [['kick', 'kick-ip'], 'ki']);
  assert.deepEqual(completeWord('kick St', ['steve', 'alex']), [['steve'], 'St']);
});

test('secrets are hidden in config output', () => {
  assert.deepEqual(redact({ web: { api_key: 'abcdefghijklmnop', bind: 'x' }, list: [{ token: 't' }] }), { web: { api_key: '***', bind: 'x' }, list: [{ token: '***' }] });
});

async function run(t: ReturnType<typeof testContext>, line: string[]): Promise<string[]> {
  const replies: string[] = [];
  const found = await t.ctx.commands.run(line[0], { reply: (s) => replies.push(s), hasPermission: () => true }, line.slice(1));
  assert.equal(found, true, `${line[0]} exists`);
  return replies;
}

test('core commands answer from the proxy API', async () => {
  const t = testContext(plugin.configSchema!.parse({ interactive: false }), { id: 'console' }, {
    config: { status_cache: { ttl: 5000, max_entries: 1000 } },
    serverList: [{ id: 'lobby', domains: ['play.test'], addresses: ['127.0.0.1:25566'], proxyMode: 'passthrough', connections: 0 }],
  });
  await plugin.setup(t.ctx);
  assert.match((await run(t, ['servers']))[0], /lobby: play\.test -> 127\.0\.0\.1:25566/);
  assert.match((await run(t, ['config', 'status_cache']))[0], /"ttl": 5000/);
  assert.equal((await run(t, ['msg', 'Steve', 'hi']))[0], 'Steve is not connected');
  assert.match((await run(t, ['kick']))[0], /usage: kick <player>/);
  assert.match((await run(t, ['stop', 'lobby']))[0], /no server manager is loaded: "lobby" cannot be stopped/);
  assert.equal(t.shutdowns.count, 0, 'stop <server> never stops the proxy');
  await run(t, ['stop']);
  assert.equal(t.shutdowns.count, 1);
});

test('help <command> shows that command\'s usage, not the list', async () => {
  const t = testContext(plugin.configSchema!.parse({ interactive: false }), { id: 'console' });
  await plugin.setup(t.ctx);
  const [kick] = await run(t, ['help', 'kick']);
  assert.equal(kick, 'usage: kick <player> [reason]\nDisconnects a player [console]');
  assert.match((await run(t, ['help', 'players']))[0], /^usage: list\n.*\naliases: players, who/);
  assert.match((await run(t, ['help', 'nope']))[0], /unknown command "nope"/);
  assert.match((await run(t, ['help']))[0], /^broadcast .*\n[\s\S]*help <command> shows how to use one$/);
});

test('kick says when the player sees no reason (a relayed connection is just closed); counts are pluralised', async () => {
  const steve = { connectionId: 7, remoteAddress: '10.0.0.1', phase: 'relay' as const, username: 'Steve', serverId: 'lobby' };
  const alex = { connectionId: 8, remoteAddress: '10.0.0.2', phase: 'login' as const, username: 'Alex' };
  const t = testContext(plugin.configSchema!.parse({ interactive: false }), { id: 'console' }, {
    connectionList: [steve, alex],
    serverList: [{ id: 'lobby', domains: ['play.test'], addresses: ['127.0.0.1:25566'], proxyMode: 'passthrough', connections: 1 }],
  });
  await plugin.setup(t.ctx);
  assert.match((await run(t, ['kick', 'steve', 'bye']))[0], /^kicked steve: the connection was closed without a reason shown to the player/);
  assert.equal((await run(t, ['kick', 'Alex']))[0], 'kicked Alex');
  assert.deepEqual(t.disconnected, [{ connectionId: 7, reason: 'bye' }, { connectionId: 8, reason: 'Kicked by an operator' }]);
  assert.match((await run(t, ['kick-ip', '10.0.0.1']))[0], /^kicked 1 connection from 10\.0\.0\.1: the connection was closed/);
  assert.match((await run(t, ['servers']))[0], /\(passthrough, 1 connection\)$/);
  assert.match((await run(t, ['status']))[0], /2 connections \(2 players\), 1 server, 0 plugins loaded/);
});

test('the terminal runs typed commands and stops reading at EOF', async () => {
  const t = testContext(plugin.configSchema!.parse({ interactive: false }), { id: 'console' });
  await plugin.setup(t.ctx);
  const input = new PassThrough();
  const output = new PassThrough();
  let text = '';
  output.on('data', (d) => (text += d));
  const rl = startTerminal(t.ctx, input as unknown as NodeJS.ReadStream, output as unknown as NodeJS.WriteStream);
  const closed = new Promise((r) => rl.once('close', r));
  input.write('version\n');
  input.write('nonsense\n');
  await new Promise((r) => setTimeout(r, 50));
  input.end();
  await closed;
  assert.match(text, /infrarust 0\.0\.0-test/);
  assert.match(text, /unknown command "nonsense"/);
});

test('Ctrl-C at the prompt (readline SIGINT) asks the proxy to shut down, every time', async () => {
  const t = testContext(plugin.configSchema!.parse({ interactive: false }), { id: 'console' });
  await plugin.setup(t.ctx);
  const input = new PassThrough();
  const rl = startTerminal(t.ctx, input as unknown as NodeJS.ReadStream, new PassThrough() as unknown as NodeJS.WriteStream);
  rl.emit('SIGINT');
  assert.equal(t.shutdowns.count, 1, 'the first starts the graceful stop');
  rl.emit('SIGINT');
  assert.equal(t.shutdowns.count, 2, 'the second reaches the proxy too (which then exits at once)');
  rl.close();
});

test('send, msg and broadcast reach intercepted players; passthrough ones are named as such', async () => {
  const steve = testPlayer({ username: 'Steve' });
  const alex = testPlayer({ username: 'Alex' });
  const bob = testPlayer({ username: 'Bob', mode: 'passthrough' });
  const t = testContext(plugin.configSchema!.parse({ interactive: false }), { id: 'console' }, { players: [steve, alex, bob] });
  await plugin.setup(t.ctx);
  assert.equal((await run(t, ['send', 'steve', '&aHello', 'there']))[0], 'sent to Steve');
  assert.deepEqual(steve.sent, [{ kind: 'message', text: { text: 'Hello there', color: 'green' } }]);
  assert.equal((await run(t, ['msg', 'Alex', 'hi']))[0], 'sent to Alex');
  assert.deepEqual(alex.sent, [{ kind: 'message', text: { text: '', extra: [{ text: '[Console] ', color: 'gold' }, { text: 'hi' }] } }]);
  assert.equal((await run(t, ['tell', 'Bob', 'hi']))[0], 'Bob is in passthrough mode; messages need client_only or offline');
  assert.equal((await run(t, ['send', 'Nobody', 'hi']))[0], 'Nobody is not connected');
  assert.equal((await run(t, ['send', 'Steve']))[0], 'usage: send <player> <message>');
  assert.equal((await run(t, ['broadcast', 'Restart', 'soon']))[0], 'sent to 2 players; 1 in passthrough mode did not get it (messages need client_only or offline)');
  assert.deepEqual(alex.sent.at(-1), { kind: 'message', text: { text: 'Restart soon' } });
  alex.kick('bye');
  assert.equal((await run(t, ['bc', 'again']))[0], 'sent to 1 player; 1 in passthrough mode did not get it (messages need client_only or offline); not delivered to Alex (the player has left)');
  assert.equal(bob.sent.length, 0);
});

test('kick shows the reason to an intercepted player', async () => {
  const steve = testPlayer({ username: 'Steve', connectionId: 7 });
  const t = testContext(plugin.configSchema!.parse({ interactive: false }), { id: 'console' }, {
    players: [steve],
    connectionList: [{ connectionId: 7, remoteAddress: '10.0.0.1', phase: 'relay', username: 'Steve', serverId: 'lobby' }],
  });
  await plugin.setup(t.ctx);
  assert.equal((await run(t, ['kick', 'Steve', 'bye']))[0], 'kicked Steve');
});

test('servers shows each address\'s health and live connections, and the balance strategy', async () => {
  const t = testContext(plugin.configSchema!.parse({ interactive: false }), { id: 'console' }, {
    serverList: [{
      id: 'fleet', domains: ['*.mc.test'], addresses: ['10.0.0.1:25565', '10.0.0.2:25565'], proxyMode: 'passthrough', connections: 3, balance: 'round_robin',
      health: [
        { address: '10.0.0.1:25565', weight: 1, healthy: true, connections: 3, reason: '' },
        { address: '10.0.0.2:25565', weight: 1, healthy: false, connections: 0, reason: 'health check failed: connect ECONNREFUSED' },
      ],
    }],
  });
  await plugin.setup(t.ctx);
  assert.equal((await run(t, ['servers']))[0], 'fleet: *.mc.test -> 10.0.0.1:25565 [up, 3], 10.0.0.2:25565 [DOWN, 0] (passthrough, round_robin, 3 connections)');
});
