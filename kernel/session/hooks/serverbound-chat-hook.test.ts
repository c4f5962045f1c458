import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deny, modify } from '../../../sdk/results.ts';
import { kernelIds } from '../../protocol/ids/index.ts';
import { PacketReader } from '../../protocol/packet-reader.ts';
import { oracleDecode, oracleEncode, skipWithoutOracle } from '../../protocol/packets/oracle.test-helper.ts';
import type { HookResult } from '../packet-hooks.ts';
import { fakeChannel, hookWorld, settle } from './fake-channel.test-helper.ts';

const SIG = Buffer.alloc(256, 9);
const chat765 = (message: string, offset = 0) =>
  oracleEncode('1.20.4', 'play', false, 'chat_message', { message, timestamp: [0, 5], salt: [0, 6], signature: SIG, offset, acknowledged: Buffer.alloc(3) });
const run = async (r: HookResult | Promise<HookResult>) => r;

test('the hook asks only for the chat family in play, serverbound', () => {
  const { chat } = hookWorld();
  const sb = kernelIds(765).play.sb;
  assert.deepEqual([...chat.ids(765, 'play', 'serverbound')].sort(), [sb.chatMessage, sb.chatCommand, sb.chatSessionUpdate].sort());
  assert.deepEqual(chat.ids(765, 'play', 'clientbound'), []);
  assert.deepEqual(chat.ids(765, 'configuration', 'serverbound'), []);
  assert.deepEqual(chat.ids(47, 'play', 'serverbound'), [kernelIds(47).play.sb.chatMessage]);
  assert.equal(chat.ids(769, 'play', 'serverbound').length, 4);
});

test('without listeners chat passes synchronously and untouched', { skip: skipWithoutOracle }, () => {
  const { chat } = hookWorld();
  assert.equal(chat.handle(fakeChannel(765).channel, 'play', 'serverbound', chat765('hi')), undefined);
});

test('ChatMessage modify re-encodes the message unsigned (1.20.4, 1.12.2)', { skip: skipWithoutOracle }, async () => {
  const { chat, events } = hookWorld();
  const seen: string[] = [];
  events.on('test', 'ChatMessage', (e) => {
    seen.push(`${e.player.username}: ${e.message}`);
    return modify(e.message.toUpperCase());
  });
  const out = (await run(chat.handle(fakeChannel(765).channel, 'play', 'serverbound', chat765('hello', 2)))) as Buffer;
  const parsed = oracleDecode('1.20.4', 'play', true, out);
  assert.equal(parsed.message, 'HELLO');
  assert.equal(parsed.signature, undefined);
  assert.equal(parsed.offset, 2);
  const old = oracleEncode('1.12.2', 'play', false, 'chat', { message: 'hey' });
  const out2 = (await run(chat.handle(fakeChannel(340).channel, 'play', 'serverbound', old))) as Buffer;
  assert.equal(oracleDecode('1.12.2', 'play', true, out2).message, 'HEY');
  assert.deepEqual(seen, ['Steve: hello', 'Steve: hey']);
});

test('ChatMessage denied drops the message, shows the reason, keeps acknowledgements', { skip: skipWithoutOracle }, async () => {
  const { chat, events, replies } = hookWorld();
  events.on('test', 'ChatMessage', async () => deny('§cNo.'));
  assert.equal(await run(chat.handle(fakeChannel(765).channel, 'play', 'serverbound', chat765('bad'))), null);
  const ack = (await run(chat.handle(fakeChannel(765).channel, 'play', 'serverbound', chat765('bad', 3)))) as Buffer;
  assert.equal(new PacketReader(ack).varInt(), oracleEncode('1.20.4', 'play', false, 'message_acknowledgement', { count: 0 })[0]);
  assert.deepEqual(oracleDecode('1.20.4', 'play', true, ack), { count: 3 });
  assert.deepEqual(replies, ['§cNo.', '§cNo.']);
});

test('the chat session update is dropped from 1.19.3 on', { skip: skipWithoutOracle }, () => {
  const { chat } = hookWorld();
  const update = oracleEncode('1.20.4', 'play', false, 'chat_session_update', { sessionUUID: '069a79f4-44e9-4726-a5be-fca90e38aaf5', expireTime: [0, 1], publicKey: Buffer.alloc(4), signature: Buffer.alloc(4) });
  assert.equal(chat.handle(fakeChannel(765).channel, 'play', 'serverbound', update), null);
});

test('/ir runs at the proxy for an admin and never reaches the backend (1.8.8 chat, 1.21.4 chat_command)', { skip: skipWithoutOracle }, async () => {
  const { chat, commands, replies } = hookWorld({ admins: ['Steve'] });
  const { infrarustCommand } = await import('./index.ts');
  const api = { version: '9.9.9', servers: () => [], plugins: () => [{ id: 'ban', version: '1.0.0', state: 'loaded' }] } as never;
  commands.add('infrarust', ['infrarust', 'ir'], infrarustCommand(api));
  const line = oracleEncode('1.8.8', 'play', false, 'chat', { message: '/ir version' });
  assert.equal(await run(chat.handle(fakeChannel(47).channel, 'play', 'serverbound', line)), null);
  const cmd = oracleEncode('1.21.4', 'play', false, 'chat_command', { command: 'infrarust plugins' });
  assert.equal(await run(chat.handle(fakeChannel(769).channel, 'play', 'serverbound', cmd)), null);
  await settle();
  assert.deepEqual(replies, ['§6Infrarust §f9.9.9', '§6Plugins:\n§fban §71.0.0 loaded']);
});

test('an unverified player matches admins only with trust_offline_admins', { skip: skipWithoutOracle }, async () => {
  for (const trust of [false, true]) {
    const { chat, commands, replies } = hookWorld({ admins: ['Steve'], trust_offline_admins: trust });
    const { infrarustCommand } = await import('./index.ts');
    commands.add('infrarust', ['infrarust', 'ir'], infrarustCommand({ version: '1' } as never));
    const line = oracleEncode('1.16.5', 'play', false, 'chat', { message: '/ir version' });
    assert.equal(await run(chat.handle(fakeChannel(754, { verified: false }).channel, 'play', 'serverbound', line)), null);
    await settle();
    assert.deepEqual(replies, [trust ? '§6Infrarust §f1' : '§cYou lack the permission infrarust.command.version.']);
  }
});

test('unknown, console-only and unpermitted commands go to the backend', { skip: skipWithoutOracle }, async () => {
  const { chat, commands } = hookWorld();
  let ran = 0;
  commands.add('console', ['stop'], { name: 'stop', execute: () => void ran++ });
  commands.add('hub', ['hub'], { name: 'hub', players: true, permission: 'hub.use', execute: () => void ran++ });
  for (const command of ['list', 'stop now', 'hub']) {
    const packet = oracleEncode('1.21.4', 'play', false, 'chat_command', { command });
    assert.equal(await run(chat.handle(fakeChannel(769).channel, 'play', 'serverbound', packet)), undefined, command);
  }
  await settle();
  assert.equal(ran, 0);
});

test('PermissionsSetup fires once per player and its checker decides', { skip: skipWithoutOracle }, async () => {
  const { chat, commands, events, replies } = hookWorld();
  let fired = 0;
  events.on('test', 'PermissionsSetup', (e) => {
    fired++;
    assert.equal(e.player.username, 'Steve');
    const previous = e.hasPermission;
    e.hasPermission = (p) => p === 'hub.use' || previous(p);
  });
  commands.add('hub', ['hub', 'lobby'], { name: 'hub', aliases: ['lobby'], players: true, permission: 'hub.use', execute: (s, args) => s.reply(`hub ${args.join(',')} ${s.player?.username}`) });
  const { channel } = fakeChannel(769);
  for (const command of ['hub a  b', 'LOBBY']) {
    const packet = oracleEncode('1.21.4', 'play', false, 'chat_command', { command });
    assert.equal(await run(chat.handle(channel, 'play', 'serverbound', packet)), null);
  }
  await settle();
  assert.equal(fired, 1);
  assert.deepEqual(replies, ['hub a,b Steve', 'hub  Steve']);
});

test('CommandExecute: denied drops the line (signed 1.21.4: the acknowledgement is kept); a failing command is reported', { skip: skipWithoutOracle }, async () => {
  const { chat, commands, events, replies } = hookWorld();
  const seen: string[] = [];
  events.on('test', 'CommandExecute', (e) => {
    seen.push(`${e.command}|${e.args.join(',')}`);
    return e.command === 'secret' ? deny('') : undefined;
  });
  commands.add('boom', ['boom'], { name: 'boom', players: true, execute: async () => { throw new Error('kaput'); } });
  const signed = oracleEncode('1.21.4', 'play', false, 'chat_command_signed', { command: 'secret x', timestamp: [0, 1], salt: [0, 2], argumentSignatures: [{ argumentName: 'x', signature: SIG }], messageCount: 2, acknowledged: Buffer.alloc(3) });
  const ack = (await run(chat.handle(fakeChannel(769).channel, 'play', 'serverbound', signed))) as Buffer;
  assert.deepEqual(oracleDecode('1.21.4', 'play', true, ack), { count: 2 });
  const boom = oracleEncode('1.21.4', 'play', false, 'chat_command', { command: 'boom' });
  assert.equal(await run(chat.handle(fakeChannel(769).channel, 'play', 'serverbound', boom)), null);
  const other = oracleEncode('1.21.4', 'play', false, 'chat_command', { command: 'gamemode creative' });
  assert.equal(await run(chat.handle(fakeChannel(769).channel, 'play', 'serverbound', other)), undefined);
  await settle();
  assert.deepEqual(seen, ['secret|x', 'boom|', 'gamemode|creative']);
  assert.deepEqual(replies, ['§cThe command failed: kaput']);
});
