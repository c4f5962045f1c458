// readLimboPackets over a real socket pair: chat and commands per era reach the callback,
// keepalive answers reach the keepalive loop, other packets are dropped, and an over-long
// line ends the connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { PacketConn } from '../net/packet-conn.ts';
import { kernelIds } from '../protocol/ids/index.ts';
import { encodeFrame, PacketWriter } from '../protocol/packet-writer.ts';
import { readLimboPackets, type LimboChat } from './limbo-reader.ts';
import type { KeepAlive } from './keep-alive.ts';

async function pair(): Promise<{ server: Socket; client: Socket; close(): void }> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
  const client = connect((listener.address() as AddressInfo).port, '127.0.0.1');
  const server = await accepted;
  return { server, client, close: () => (client.destroy(), server.destroy(), listener.close()) };
}

const packet = (id: number, fill: (w: PacketWriter) => void): Buffer => {
  const w = new PacketWriter().varInt(id);
  fill(w);
  return encodeFrame(w.toBuffer());
};

async function run(protocol: number, frames: Buffer[]): Promise<{ chats: LimboChat[]; answers: Buffer[]; conn: PacketConn }> {
  const { server, client, close } = await pair();
  const conn = new PacketConn(server, { validateCompression: true, peer: 'client' });
  const chats: LimboChat[] = [];
  const answers: Buffer[] = [];
  const keepAlive: KeepAlive = { stop: () => undefined, answer: (p) => (answers.push(p), true) };
  readLimboPackets(conn, protocol, { onChat: (c) => chats.push(c), keepAlive });
  client.on('error', () => undefined);
  client.write(Buffer.concat(frames));
  await new Promise((r) => setTimeout(r, 100));
  close();
  return { chats, answers, conn };
}

test('1.8: legacy chat, a command starting with /, a keepalive answer; movement dropped', async () => {
  const sb = kernelIds(47).play.sb;
  const { chats, answers } = await run(47, [
    packet(sb.chatMessage, (w) => w.string('hello')),
    packet(0x04, (w) => w.bytes(Buffer.alloc(25))), // position
    packet(sb.chatMessage, (w) => w.string('/login pw')),
    packet(sb.keepAlive, (w) => w.varInt(7)),
  ]);
  assert.deepEqual(chats, [{ text: 'hello', command: false, signed: false }, { text: 'login pw', command: true, signed: false }]);
  assert.equal(answers.length, 1);
});

test('1.21.4: chat_message, chat_command and chat_command_signed', async () => {
  const sb = kernelIds(769).play.sb;
  const { chats } = await run(769, [
    packet(sb.chatMessage, (w) => w.string('hi').i64(1n).i64(2n).bool(false).varInt(0).bytes(Buffer.alloc(3))),
    packet(sb.chatCommand, (w) => w.string('register a a')),
    packet(sb.chatCommandSigned, (w) => w.string('msg x').i64(1n).i64(2n).varInt(0).varInt(0).bytes(Buffer.alloc(3))),
  ]);
  assert.deepEqual(chats, [
    { text: 'hi', command: false, signed: false },
    { text: 'register a a', command: true, signed: false },
    { text: 'msg x', command: true, signed: false },
  ]);
});

test('a chat line over the era limit (101 characters on 1.8) ends the connection', async () => {
  const sb = kernelIds(47).play.sb;
  const { chats, conn } = await run(47, [packet(sb.chatMessage, (w) => w.string('x'.repeat(101))), packet(sb.chatMessage, (w) => w.string('after'))]);
  assert.deepEqual(chats, []);
  assert.equal((conn.failed as { code?: string } | undefined)?.code, 'IR_ERR_PROTO_STRING_TOO_LONG');
});
