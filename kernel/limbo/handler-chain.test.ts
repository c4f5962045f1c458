// runLimboChain over a real socket pair (a 1.8 client in play, uncompressed): what each result
// does, that only a hold renders the world, fail-closed cases with their logs, and the hot
// reload rule (a held player is re-run against the reloaded handler, denied if it is gone).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import type { LimboHandler, LimboSession } from '../../sdk/limbo.ts';
import { accept, hold, holdWithTimeout } from '../../sdk/limbo.ts';
import { deny, redirectTo, sendToLimbo } from '../../sdk/results.ts';
import { NamedRegistry } from '../layers/registries.ts';
import { PacketConn } from '../net/packet-conn.ts';
import { kernelIds } from '../protocol/ids/index.ts';
import { encodeFrame, PacketWriter } from '../protocol/packet-writer.ts';
import { encodeTitle } from '../protocol/packets/play-title.ts';
import { encodeActionBar } from '../protocol/packets/play-chat.ts';
import { RELOAD_REASON, runLimboChain, type ChainLog, type ChainOutcome, type LimboChainOptions } from './handler-chain.ts';

const PROTOCOL = 47;

interface Rig {
  conn: PacketConn;
  peer: Socket;
  received: () => Buffer;
  chat: (line: string) => void;
  logs: { level: string; obj: Record<string, unknown>; msg: string }[];
  registry: NamedRegistry<LimboHandler>;
  run: (handlers: string[], extra?: Partial<LimboChainOptions>) => Promise<ChainOutcome>;
  close: () => void;
}

async function rig(): Promise<Rig> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
  const peer = connect((listener.address() as AddressInfo).port, '127.0.0.1');
  const server = await accepted;
  peer.on('error', () => undefined);
  server.on('error', () => undefined);
  const chunks: Buffer[] = [];
  peer.on('data', (c: Buffer) => chunks.push(c));
  const conn = new PacketConn(server, { validateCompression: true, peer: 'client' });
  const logs: Rig['logs'] = [];
  const entry = (level: string) => (obj: Record<string, unknown>, msg: string) => void logs.push({ level, obj, msg });
  const log = { info: entry('info'), warn: entry('warn'), error: entry('error') } as unknown as ChainLog;
  const registry = new NamedRegistry<LimboHandler>('limbo handler');
  const player = { connectionId: 1, username: 'Alice', remoteAddress: '127.0.0.1', protocolVersion: PROTOCOL, profile: undefined, verified: false };
  return {
    conn,
    peer,
    received: () => Buffer.concat(chunks),
    chat: (line) => peer.write(encodeFrame(new PacketWriter().varInt(kernelIds(PROTOCOL).play.sb.chatMessage).string(line).toBuffer())),
    logs,
    registry,
    run: (handlers, extra = {}) =>
      runLimboChain({ client: conn, protocol: PROTOCOL, clientState: 'play', handlers, registry, player, entry: { type: 'initial', serverId: 'lobby' }, log, ...extra }),
    close: () => (peer.destroy(), server.destroy(), listener.close()),
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('an accept-only chain runs every handler in order and never renders the world', async () => {
  const r = await rig();
  const seen: string[] = [];
  r.registry.add('a#1', ['one'], { name: 'one', onPlayerEnter: (s) => (seen.push(`one:${s.entry.type}`), accept()) });
  r.registry.add('b#1', ['two'], { name: 'two', onPlayerEnter: async (s) => (s.sendMessage('dropped'), seen.push('two'), accept()) });
  assert.deepEqual(await r.run(['one', 'two']), { type: 'accept', worldSent: false, held: false });
  await sleep(50);
  assert.deepEqual(seen, ['one:initial', 'two']);
  assert.equal(r.received().length, 0, 'no world, and the queued chat line was dropped');
  r.close();
});

test('hold: the world is sent once, a command goes to the proxy first, then the handler completes', async () => {
  const r = await rig();
  const commands: string[][] = [];
  const proxySaw: string[] = [];
  r.registry.add('auth#1', ['auth'], {
    name: 'auth',
    onPlayerEnter: () => hold(),
    onChat: (s, m) => void commands.push(['chat', m]),
    onCommand: (s, cmd, args) => void (commands.push([cmd, ...args]), cmd === 'login' && s.complete(accept())),
  });
  r.registry.add('rules#1', ['rules'], { name: 'rules', onPlayerEnter: () => hold(), onCommand: (s, cmd) => void (cmd === 'agree' && s.complete(accept())) });
  const outcome = r.run(['auth', 'rules'], { onCommand: (line) => (proxySaw.push(line), line === 'server lobby') });
  await sleep(100);
  const worldBytes = r.received().length;
  assert.ok(worldBytes >= 68, `the world was rendered (${worldBytes} bytes)`);
  r.chat('hello');
  r.chat('/server lobby');
  r.chat('/login  secret');
  await sleep(100);
  assert.equal(r.received().length, worldBytes, 'the second hold does not send the world again');
  r.chat('/agree');
  assert.deepEqual(await outcome, { type: 'accept', worldSent: true, held: true });
  assert.deepEqual(commands, [['chat', 'hello'], ['login', 'secret']]);
  assert.deepEqual(proxySaw, ['server lobby', 'login  secret', 'agree']);
  r.close();
});

test('deny, redirect and sendToLimbo end or replace the chain', async () => {
  const r = await rig();
  r.registry.add('p#1', ['no'], { name: 'no', onPlayerEnter: () => deny('§cNot today') });
  r.registry.add('p#1', ['away'], { name: 'away', onPlayerEnter: () => redirectTo('fallback') });
  r.registry.add('p#1', ['hop'], { name: 'hop', onPlayerEnter: () => sendToLimbo(['away']) });
  r.registry.add('p#1', ['old'], { name: 'old', onPlayerEnter: () => ({ type: 'deny', reason: 'old shape' }) });
  assert.deepEqual(await r.run(['no', 'away']), { type: 'deny', reason: '§cNot today', worldSent: false, held: false });
  assert.deepEqual(await r.run(['hop', 'no']), { type: 'redirect', server: 'fallback', worldSent: false, held: false });
  assert.deepEqual(await r.run(['old']), { type: 'deny', reason: 'old shape', worldSent: false, held: false });
  r.close();
});

test('holdWithTimeout accepts or denies when the time is up', async () => {
  const r = await rig();
  r.registry.add('p#1', ['wait-ok'], { name: 'wait-ok', onPlayerEnter: () => holdWithTimeout(150, 'accept') });
  r.registry.add('p#1', ['wait-no'], { name: 'wait-no', onPlayerEnter: () => holdWithTimeout(150, 'deny', 'Too slow') });
  r.registry.add('p#1', ['wait-default'], { name: 'wait-default', onPlayerEnter: () => holdWithTimeout(50) });
  const started = Date.now();
  assert.deepEqual(await r.run(['wait-ok']), { type: 'accept', worldSent: true, held: true });
  assert.ok(Date.now() - started >= 140);
  assert.deepEqual(await r.run(['wait-no']), { type: 'deny', reason: 'Too slow', worldSent: true, held: true });
  assert.equal(((await r.run(['wait-default'])) as { reason: string }).reason, 'You took too long');
  r.close();
});

test('a handler that throws, never settles, or answers garbage denies, logged with its plugin', async () => {
  const r = await rig();
  r.registry.add('buggy#3', ['boom'], { name: 'boom', onPlayerEnter: () => { throw new Error('kaboom'); } });
  r.registry.add('slow#1', ['stuck'], { name: 'stuck', onPlayerEnter: () => new Promise(() => undefined) });
  r.registry.add('odd#1', ['odd'], { name: 'odd', onPlayerEnter: () => ({ type: 'maybe' }) as never });
  r.registry.add('chatty#1', ['chatty'], { name: 'chatty', onPlayerEnter: () => hold(), onChat: async () => { throw new Error('chat bug'); } });
  for (const name of ['boom', 'stuck', 'odd']) {
    const outcome = await r.run([name], { enterTimeoutMs: 100 });
    assert.equal(outcome.type, 'deny', name);
    assert.match((outcome as { reason: string }).reason, /internal error/);
  }
  const held = r.run(['chatty']);
  await sleep(80);
  r.chat('hi');
  assert.equal((await held).type, 'deny');
  const errors = r.logs.filter((l) => l.level === 'error').map((l) => [l.obj.plugin, l.obj.handler, l.obj.hook]);
  assert.deepEqual(errors, [['buggy', 'boom', 'onPlayerEnter'], ['slow', 'stuck', 'onPlayerEnter'], ['odd', 'odd', 'onPlayerEnter'], ['chatty', 'chatty', 'onChat']]);
  assert.match(String((r.logs.find((l) => l.obj.handler === 'boom')!.obj.err as Error).message), /kaboom/);
  r.close();
});

test('a handler the registry does not know denies before any handler runs, with a warning naming it', async () => {
  const r = await rig();
  let ran = false;
  r.registry.add('p#1', ['first'], { name: 'first', onPlayerEnter: () => ((ran = true), accept()) });
  const outcome = await r.run(['first', 'antibot']);
  assert.equal(outcome.type, 'deny');
  assert.match((outcome as { reason: string }).reason, /"antibot" is not available/);
  assert.equal(ran, false);
  assert.deepEqual(r.logs.map((l) => [l.level, l.obj.handler]), [['warn', 'antibot']]);
  r.close();
});

test('title, action bar and boss bar sent while held reach the client (queued until the world is sent)', async () => {
  const r = await rig();
  let session: LimboSession | undefined;
  r.registry.add('p#1', ['show'], {
    name: 'show',
    onPlayerEnter(s) {
      session = s;
      s.sendTitle('§6Login', 'type /login', { fadeIn: 5, stay: 40, fadeOut: 5 });
      return hold();
    },
  });
  const outcome = r.run(['show']);
  await sleep(80);
  assert.deepEqual(session!.sendActionBar('§eWaiting'), { ok: true });
  assert.equal(session!.showBossBar({ title: 'x' }).hasOwnProperty('ok'), true, '1.8 has no boss bar');
  await sleep(50);
  const bytes = r.received();
  for (const p of encodeTitle(PROTOCOL, { title: '§6Login', subtitle: 'type /login', times: { fadeIn: 5, stay: 40, fadeOut: 5 } })!) assert.ok(bytes.includes(encodeFrame(p)), 'title');
  assert.ok(bytes.includes(encodeFrame(encodeActionBar(PROTOCOL, '§eWaiting')!)), 'action bar');
  session!.complete(accept());
  assert.deepEqual(await outcome, { type: 'accept', worldSent: true, held: true });
  assert.equal(session!.active, false);
  assert.deepEqual(session!.sendMessage('late timer'), { ok: false, code: 'closed', message: 'the player has left limbo' });
  session!.complete(deny('ignored'));
  r.close();
});

test('kick from a timer denies; a disconnect while held calls onLeave and ends with closed', async () => {
  const r = await rig();
  const left: string[] = [];
  r.registry.add('p#1', ['kicker'], { name: 'kicker', onPlayerEnter: (s) => (setTimeout(() => s.kick('Bye'), 50), hold()) });
  r.registry.add('p#1', ['sticky'], { name: 'sticky', onPlayerEnter: () => hold(), onLeave: (s) => void left.push(s.player.username) });
  assert.deepEqual(await r.run(['kicker']), { type: 'deny', reason: 'Bye', worldSent: true, held: true });
  const held = r.run(['sticky']);
  await sleep(50);
  r.peer.destroy();
  assert.deepEqual(await held, { type: 'closed' });
  assert.deepEqual(left, ['Alice']);
  r.close();
});

test('hot reload: a held player is re-run against the reloaded handler; an unloaded handler denies with the reload reason', async () => {
  const r = await rig();
  let oldSession: LimboSession | undefined;
  let leftOld = false;
  r.registry.add('auth#1', ['auth'], { name: 'auth', onPlayerEnter: (s) => ((oldSession = s), hold()), onLeave: () => void (leftOld = true) });
  const reloaded = r.run(['auth'], { reloadCheckMs: 30 });
  await sleep(80);
  let newEntered = 0;
  r.registry.add('auth#2', ['auth'], { name: 'auth', onPlayerEnter: (s) => (newEntered++, s.sendMessage('again'), accept()) });
  assert.deepEqual(await reloaded, { type: 'accept', worldSent: true, held: true });
  assert.equal(newEntered, 1);
  assert.equal(leftOld, false);
  assert.equal(oldSession!.sendMessage('stale').ok, false);

  const unregister = r.registry.add('gate#1', ['gate'], { name: 'gate', onPlayerEnter: () => hold() });
  const unloaded = r.run(['gate'], { reloadCheckMs: 30 });
  await sleep(80);
  unregister();
  assert.deepEqual(await unloaded, { type: 'deny', reason: RELOAD_REASON, worldSent: true, held: true });
  assert.ok(r.logs.some((l) => l.level === 'info' && l.obj.handler === 'gate'));
  r.close();
});
