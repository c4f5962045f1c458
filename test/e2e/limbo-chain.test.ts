// Limbo handler chains with real minecraft-protocol clients: a test-only server built from the
// kernel's pieces (fixtures/limbo-chain-server.ts: handshake, Login Start, Set Compression, Login
// Success, then runLimboChain; no proxy, no backend) runs the chain the username asks for.
// - Stay… (1.8.8, 1.12.2, 1.16.5, 1.19.4, 1.20.1, 1.20.4, 1.21.4, 1.21.11, 26.1, all at once): the
//   `auth` handler holds; the client reaches play (Join Game, position, spawn position), sees a
//   title and an action bar in its era's packets, stays 20 s on the kernel's keepalive timings
//   (every 10 s: at least one keep_alive received and answered, never kicked), and `/login
//   secret` completes the hold; the handler saw `login` with its arguments, never `/ping` (a
//   proxy command). The chain's outcome is accept with the world sent.
// - Pass…: an accept-only chain never renders the world (no Join Game reaches the client).
// - Deny…: the client is kicked with the handler's reason (login just finished: play on 1.8,
//   configuration on 1.20.2+).
// - Wait… / Late…: holds with a timeout that accepts / denies; Boom…: a throwing handler denies.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { NamedRegistry } from '../../kernel/layers/registries.ts';
import type { LimboHandler } from '../../sdk/limbo.ts';
import { accept, hold, holdWithTimeout } from '../../sdk/limbo.ts';
import { deny } from '../../sdk/results.ts';
import { allVersions, connect, leave, nameOf, sleep, startChainServer, waitFor, type ChainServer } from './fixtures/limbo-chain-server.ts';

const STAY_VERSIONS = ['1.8.8', '1.12.2', '1.16.5', '1.19.4', '1.20.1', '1.20.4', '1.21.4', '1.21.11', '26.1'];
/** Twice the kernel's keepalive interval (10 s): the first keepalive falls inside the stay. */
const STAY_MS = 20_000;

const registry = new NamedRegistry<LimboHandler>('limbo handler');
const commandsSeen: { player: string; command: string; args: string[] }[] = [];
let server: ChainServer;

registry.add('test#1', ['pass'], { name: 'pass', onPlayerEnter: () => accept() });
registry.add('test#1', ['pass2'], { name: 'pass2', onPlayerEnter: () => accept() });
registry.add('test#1', ['bouncer'], { name: 'bouncer', onPlayerEnter: (s) => deny(`§cNo entry for ${s.player.username}`) });
registry.add('test#1', ['waiter'], { name: 'waiter', onPlayerEnter: () => holdWithTimeout(300, 'accept') });
registry.add('test#1', ['late'], { name: 'late', onPlayerEnter: () => holdWithTimeout(200, 'deny', 'Too late') });
registry.add('buggy#1', ['boom'], { name: 'boom', onPlayerEnter: () => { throw new Error('kaboom'); } });
registry.add('auth#1', ['auth'], {
  name: 'auth',
  onPlayerEnter(session) {
    session.sendTitle('§6Login', 'type /login <password>', { fadeIn: 5, stay: 60, fadeOut: 5 });
    setTimeout(() => session.sendActionBar('§eWaiting for /login'), 300);
    return hold();
  },
  onCommand(session, command, args) {
    commandsSeen.push({ player: session.player.username, command, args });
    if (command === 'login' && args[0] === 'secret') session.complete(accept());
  },
});

before(async () => {
  server = await startChainServer({
    registry,
    chains: { Stay: ['pass', 'auth'], Pass: ['pass', 'pass2'], Deny: ['pass', 'bouncer'], Wait: ['waiter'], Late: ['late'], Boom: ['pass', 'boom'] },
    keepAlive: { Stay: undefined }, // the kernel's defaults: every 10 s, 15 s timeout
  });
});

after(() => server.close());

/** The packets a title and an action bar arrive as, per era (kernel/protocol/packets/play-title.ts, play-chat.ts). */
function eraPackets(version: string): { title: string; actionBar: string } {
  if (version === '1.8.8') return { title: 'title:0', actionBar: 'chat:2' };
  if (version === '1.12.2' || version === '1.16.5') return { title: 'title:0', actionBar: 'title:2' };
  return { title: 'set_title_text', actionBar: 'action_bar' };
}

async function stayAndLogin(version: string): Promise<void> {
  const username = nameOf('Stay', version);
  const seen = connect(server.port, version, username, STAY_MS + 20_000);
  const era = eraPackets(version);
  await waitFor(() => ['login', 'position', 'spawn_position', era.title, era.actionBar].every((p) => seen.packets.includes(p)), `${version}: play, a title and an action bar (saw ${seen.packets.join(', ')})`, 15_000);
  seen.client.chat('/ping');
  seen.client.chat('/login wrong  twice');
  await sleep(STAY_MS);
  const keepAlives = seen.packets.filter((p) => p === 'keep_alive').length;
  assert.ok(keepAlives >= 1 && seen.answered >= keepAlives, `${version}: ${keepAlives} keepalives received, ${seen.answered} answered`);
  assert.ok(!seen.packets.includes('kick_disconnect') && !seen.packets.includes('disconnect'), `${version}: still held after ${STAY_MS} ms`);
  assert.equal(server.outcomes.get(username), undefined, `${version}: the chain is still holding`);
  seen.client.chat('/login secret');
  assert.match(await seen.kick, /outcome accept/, version);
  assert.deepEqual(server.outcomes.get(username), { type: 'accept', worldSent: true, held: true }, version);
  assert.deepEqual(
    commandsSeen.filter((c) => c.player === username).map((c) => [c.command, c.args]),
    [['login', ['wrong', 'twice']], ['login', ['secret']]],
    version,
  );
  assert.deepEqual(seen.errors, [], version);
  leave(seen);
}

test(`clients of ${STAY_VERSIONS.join(', ')} held by a handler reach play, see a title and an action bar, stay ${STAY_MS / 1000} s with keepalives answered, and /login reaches the handler`, async () => {
  assert.deepEqual(await allVersions(STAY_VERSIONS, stayAndLogin), []);
  assert.equal(server.proxyCommands.filter((c) => c === 'ping').length, STAY_VERSIONS.length, 'proxy commands first');
});

test('an accept-only chain never renders the world', async () => {
  for (const version of ['1.8.8', '1.21.4']) {
    const username = nameOf('Pass', version);
    const seen = connect(server.port, version, username);
    assert.match(await seen.kick, /outcome accept/, version);
    assert.deepEqual(server.outcomes.get(username), { type: 'accept', worldSent: false, held: false }, version);
    assert.ok(!seen.packets.includes('login') && !seen.packets.includes('registry_data'), `${version}: ${seen.packets.join(', ')}`);
    leave(seen);
  }
});

test('a deny kicks the client with the handler reason', async () => {
  for (const version of ['1.8.8', '1.20.4', '1.21.4']) {
    const username = nameOf('Deny', version);
    const seen = connect(server.port, version, username);
    assert.match(await seen.kick, new RegExp(`No entry for ${username}`), version);
    assert.equal(server.outcomes.get(username)?.type, 'deny', version);
    leave(seen);
  }
});

test('a hold with a timeout that accepts lets the player through after the timeout', async () => {
  const username = nameOf('Wait', '1.21.4');
  const started = Date.now();
  const seen = connect(server.port, '1.21.4', username);
  assert.match(await seen.kick, /outcome accept/);
  assert.ok(Date.now() - started >= 300);
  assert.deepEqual(server.outcomes.get(username), { type: 'accept', worldSent: true, held: true });
  assert.ok(seen.packets.includes('login'), 'the world was rendered for the hold');
  leave(seen);
});

test('a hold with a timeout that denies, and a throwing handler, kick the client with a reason', async () => {
  const late = connect(server.port, '1.20.4', nameOf('Late', '1.20.4'));
  assert.match(await late.kick, /Too late/);
  assert.deepEqual(server.outcomes.get(nameOf('Late', '1.20.4')), { type: 'deny', reason: 'Too late', worldSent: true, held: true });
  const boom = connect(server.port, '1.21.4', nameOf('Boom', '1.21.4'));
  assert.match(await boom.kick, /internal error/);
  assert.equal(server.outcomes.get(nameOf('Boom', '1.21.4'))?.type, 'deny');
  leave(late);
  leave(boom);
});
