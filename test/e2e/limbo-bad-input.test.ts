// Bad input to players held in limbo (issue 12), with real minecraft-protocol clients and the
// kernel's chain runner (fixtures/limbo-chain-server.ts): a chat line over the era's limit,
// commands of thousands of arguments, a signed command with 5000 argument signatures, play
// packets the limbo does not expect, a client that never answers keepalives, a handler that
// throws or never completes its hold. Each time the player concerned gets a reason (or times
// out), and two bystanders held at the same time (1.8.8 and 1.21.4) are unaffected: never
// kicked, keepalives answered throughout, and their `/login secret` still completes the hold.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { NamedRegistry } from '../../kernel/layers/registries.ts';
import { kernelIds } from '../../kernel/protocol/ids/index.ts';
import { PacketWriter } from '../../kernel/protocol/packet-writer.ts';
import type { LimboHandler } from '../../sdk/limbo.ts';
import { accept, hold, holdWithTimeout } from '../../sdk/limbo.ts';
import { allVersions, connect, leave, sleep, startChainServer, waitFor, type ChainServer, type Seen } from './fixtures/limbo-chain-server.ts';

const PROTOCOL: Record<string, number> = { '1.8.8': 47, '1.12.2': 340, '1.19.4': 762, '1.20.4': 765, '1.21.4': 769 };
const registry = new NamedRegistry<LimboHandler>('limbo handler');
const seenBy = new Map<string, { command: string; args: string[] }[]>();
const left = new Set<string>();
let server: ChainServer;

const record = (player: string, command: string, args: string[]): void => {
  seenBy.set(player, [...(seenBy.get(player) ?? []), { command, args }]);
};
const holding = (name: string, result: () => ReturnType<LimboHandler['onPlayerEnter']>, onCommand?: LimboHandler['onCommand']): LimboHandler => ({
  name,
  onPlayerEnter: result,
  onCommand:
    onCommand ??
    ((session, command, args) => {
      record(session.player.username, command, args);
      if (command === 'login' && args[0] === 'secret') session.complete(accept());
    }),
  onLeave: (session) => void left.add(session.player.username),
});

registry.add('auth#1', ['holder'], holding('holder', () => hold()));
registry.add('stuck#1', ['never'], holding('never', () => hold(), (s, command, args) => record(s.player.username, command, args)));
registry.add('stuck#1', ['timed'], holding('timed', () => holdWithTimeout(1500, 'deny', 'You were held too long'), (s, command, args) => record(s.player.username, command, args)));
registry.add('buggy#1', ['thrower'], holding('thrower', () => hold(), () => { throw new Error('handler bug'); }));
registry.add('buggy#1', ['rejecter'], holding('rejecter', () => hold(), async () => { throw new Error('async handler bug'); }));

before(async () => {
  server = await startChainServer({
    registry,
    chains: { Held: ['holder'], Bad: ['holder'], Silent: ['holder'], Never: ['never'], Timed: ['timed'], Throw: ['thrower'], Rejects: ['rejecter'] },
    keepAlive: { Silent: { intervalMs: 250, timeoutMs: 600 } },
  });
});

after(() => server.close());

let round = 0;
const user = (prefix: string, version: string): string => `${prefix}${round}_${version.replace(/\./g, '_')}`;

async function inPlay(seen: Seen, version: string): Promise<void> {
  await waitFor(() => seen.packets.includes('position'), `${seen.client.username} (${version}) in play`, 15_000);
}

/** Runs `scenario` while two bystanders are held; then checks they were not disturbed and can still log in. */
async function withBystanders(scenario: () => Promise<void>): Promise<void> {
  round++;
  const bystanders = ['1.8.8', '1.21.4'].map((v) => ({ version: v, seen: connect(server.port, v, user('Held', v), 60_000) }));
  await Promise.all(bystanders.map((b) => inPlay(b.seen, b.version)));
  const answeredBefore = bystanders.map((b) => b.seen.answered);
  await scenario();
  await sleep(600);
  for (const [i, { version, seen }] of bystanders.entries()) {
    const name = seen.client.username;
    assert.ok(!seen.packets.includes('kick_disconnect'), `bystander ${version} was not kicked`);
    assert.ok(seen.answered > answeredBefore[i]!, `bystander ${version} kept answering keepalives (${answeredBefore[i]} -> ${seen.answered})`);
    seen.client.chat('/login secret');
    assert.match(await seen.kick, /outcome accept/, `bystander ${version}`);
    assert.deepEqual(server.outcomes.get(name), { type: 'accept', worldSent: true, held: true }, `bystander ${version}`);
    assert.deepEqual(seenBy.get(name), [{ command: 'login', args: ['secret'] }], `bystander ${version}`);
    assert.deepEqual(seen.errors, [], `bystander ${version}`);
    leave(seen);
  }
}

/** A serverbound play packet by kernel id name, written raw (the client compresses and frames it). */
function raw(version: string, id: keyof ReturnType<typeof kernelIds>['play']['sb'], fill: (w: PacketWriter) => void): Buffer {
  const w = new PacketWriter().varInt(kernelIds(PROTOCOL[version]!).play.sb[id]);
  fill(w);
  return w.toBuffer();
}

/** The chat line `text` (`/` included for a command) as the client's era sends it, unsigned. */
function chatLine(version: string, text: string): Buffer {
  if (PROTOCOL[version]! < 759) return raw(version, 'chatMessage', (w) => w.string(text));
  return raw(version, 'chatCommand', (w) => w.string(text.slice(1)));
}

async function kickedWithReason(seen: Seen, reason: RegExp, what: string): Promise<void> {
  assert.match(await seen.kick, reason, what);
  await waitFor(() => server.outcomes.has(seen.client.username), `${what}: the chain ended`);
}

test('chat over the era limit and commands of 5000 arguments kick that player with a reason; as many arguments as the limit allows reach the handler', async () => {
  await withBystanders(async () => {
    const longCommand = `/x ${'a '.repeat(5000)}`; // 10 003 characters, 5001 arguments
    const cases: [string, string, RegExp][] = [
      ['1.8.8', 'x'.repeat(101), /a chat line of 101 characters \(the limit is 100\)/],
      ['1.8.8', longCommand, /string of \d+ bytes cannot fit in 256 characters/],
      ['1.12.2', longCommand, /string of \d+ bytes cannot fit in 256 characters/],
      ['1.21.4', longCommand, /string of \d+ bytes cannot fit in 256 characters/],
    ];
    const failed = await allVersions(cases.map((_, i) => String(i)), async (i) => {
      const [version, text, cause] = cases[Number(i)]!;
      const seen = connect(server.port, version, user(`Bad${i}x`, version));
      await inPlay(seen, version);
      seen.client.writeRaw(chatLine(version, text));
      await kickedWithReason(seen, new RegExp(`Bad packet from your client: ${cause.source}`), `${version} case ${i}`);
      assert.deepEqual(server.outcomes.get(seen.client.username), { type: 'closed' });
      assert.ok(left.has(seen.client.username), 'the handler was told the player left');
      assert.equal(seenBy.get(seen.client.username), undefined, 'the handler saw nothing of it');
    });
    assert.deepEqual(failed, []);
    // Within the limit: 49 arguments in 100 characters on 1.8.8, 127 in 256 on 1.21.4.
    const fits = await allVersions(['1.8.8', '1.21.4'], async (version) => {
      const count = version === '1.8.8' ? 49 : 127;
      const seen = connect(server.port, version, user('Bad', version));
      await inPlay(seen, version);
      seen.client.writeRaw(chatLine(version, `/x${' a'.repeat(count)}`));
      seen.client.chat('/login secret');
      assert.match(await seen.kick, /outcome accept/);
      const commands = seenBy.get(seen.client.username)!;
      assert.deepEqual(commands.map((c) => [c.command, c.args.length]), [['x', count], ['login', 1]]);
    });
    assert.deepEqual(fits, []);
  });
});

test('a signed command with 5000 argument signatures (1.3 MB) kicks that player with a reason (vanilla reads at most 8)', async () => {
  await withBystanders(async () => {
    const failed = await allVersions(['1.19.4', '1.21.4'], async (version) => {
      const seen = connect(server.port, version, user('Bad', version));
      await inPlay(seen, version);
      const packet = raw(version, version === '1.19.4' ? 'chatCommand' : 'chatCommandSigned', (w) => {
        w.string('login secret').i64(BigInt(Date.now())).i64(7n).varInt(5000);
        for (let i = 0; i < 5000; i++) w.string(`arg${i}`).bytes(Buffer.alloc(256, i));
        w.varInt(0).bytes(Buffer.alloc(3));
      });
      assert.ok(packet.length > 1_300_000);
      seen.client.writeRaw(packet);
      await kickedWithReason(seen, /Bad packet from your client: a command with 5000 argument signatures \(the limit is 8\)/, version);
      assert.deepEqual(server.outcomes.get(seen.client.username), { type: 'closed' });
      assert.equal(seenBy.get(seen.client.username), undefined, 'the handler saw nothing of it');
    });
    assert.deepEqual(failed, []);
  });
});

test('play packets the limbo does not expect (every other id, garbage bodies) are ignored; a garbage chat body kicks with a reason', async () => {
  await withBystanders(async () => {
    const failed = await allVersions(['1.8.8', '1.21.4'], async (version) => {
      const sb = kernelIds(PROTOCOL[version]!).play.sb;
      const known = new Set([sb.keepAlive, sb.chatMessage, sb.chatCommand, sb.chatCommandSigned]);
      const ignored = connect(server.port, version, user('Bad', version));
      const garbled = connect(server.port, version, user('Bad1x', version));
      await Promise.all([inPlay(ignored, version), inPlay(garbled, version)]);
      for (let id = 0; id < 0x80; id++) {
        if (!known.has(id)) ignored.client.writeRaw(new PacketWriter().varInt(id).bytes(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, id, 0x80])).toBuffer());
      }
      ignored.client.writeRaw(new PacketWriter().varInt(0x3fff).bytes(Buffer.alloc(600, 0xee)).toBuffer());
      garbled.client.writeRaw(new PacketWriter().varInt(sb.chatMessage).varInt(200).bytes(Buffer.from('short')).toBuffer());
      await kickedWithReason(garbled, /Bad packet from your client/, `${version}: garbage chat`);
      await sleep(300);
      ignored.client.chat('/login secret');
      assert.match(await ignored.kick, /outcome accept/, `${version}: still held after the garbage`);
      assert.deepEqual(seenBy.get(ignored.client.username), [{ command: 'login', args: ['secret'] }]);
    });
    assert.deepEqual(failed, []);
  });
});

test('a client that never answers keepalives times out with a reason; the handler is told it left', async () => {
  await withBystanders(async () => {
    const failed = await allVersions(['1.8.8', '1.21.4'], async (version) => {
      const seen = connect(server.port, version, user('Silent', version));
      seen.client.removeAllListeners('keep_alive');
      await inPlay(seen, version);
      await kickedWithReason(seen, /Timed out/, version);
      assert.equal(seen.answered, 0);
      assert.deepEqual(server.outcomes.get(seen.client.username), { type: 'closed' });
      assert.ok(left.has(seen.client.username));
    });
    assert.deepEqual(failed, []);
  });
});

test('a hold never completed keeps the player (keepalives answered, commands reach the handler) until it leaves; holdWithTimeout ends it with its reason', async () => {
  await withBystanders(async () => {
    const never = connect(server.port, '1.21.4', user('Never', '1.21.4'));
    const timed = connect(server.port, '1.20.4', user('Timed', '1.20.4'));
    await Promise.all([inPlay(never, '1.21.4'), inPlay(timed, '1.20.4')]);
    const started = Date.now();
    never.client.chat('/login secret');
    timed.client.chat('/login secret');
    await kickedWithReason(timed, /You were held too long/, 'holdWithTimeout');
    assert.ok(Date.now() - started >= 1000, 'the timeout, not the command, ended it');
    assert.deepEqual(server.outcomes.get(timed.client.username), { type: 'deny', reason: 'You were held too long', worldSent: true, held: true });
    assert.deepEqual(seenBy.get(timed.client.username), [{ command: 'login', args: ['secret'] }]);
    await sleep(1500);
    assert.ok(!never.packets.includes('kick_disconnect'), 'a hold without a timeout keeps the player');
    assert.ok(never.answered >= 5, `${never.answered} keepalives answered`);
    assert.equal(server.outcomes.get(never.client.username), undefined, 'still held');
    assert.deepEqual(seenBy.get(never.client.username), [{ command: 'login', args: ['secret'] }]);
    leave(never);
    await waitFor(() => server.outcomes.has(never.client.username), 'the chain ends when the player leaves');
    assert.deepEqual(server.outcomes.get(never.client.username), { type: 'closed' });
    assert.ok(left.has(never.client.username), 'onLeave');
  });
});

test('an onCommand that throws or rejects denies that player with a reason', async () => {
  await withBystanders(async () => {
    const failed = await allVersions(['Throw', 'Rejects'], async (prefix) => {
      const seen = connect(server.port, '1.21.4', user(prefix, '1.21.4'));
      await inPlay(seen, '1.21.4');
      seen.client.chat('/login secret');
      await kickedWithReason(seen, /internal error/, prefix);
      assert.equal(server.outcomes.get(seen.client.username)?.type, 'deny', prefix);
    });
    assert.deepEqual(failed, []);
  });
});
