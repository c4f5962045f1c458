// readLimboPackets over a real socket pair: chat and commands per era reach the callback,
// keepalive answers reach the keepalive loop, other packets (unknown ids, garbage bodies) are
// dropped, and a packet the limbo reads but cannot decode (an over-long line, a truncated body,
// a frame that does not inflate) kicks that client with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { PacketConn } from '../net/packet-conn.ts';
import { kernelIds } from '../protocol/ids/index.ts';
import { encodeFrame, PacketWriter } from '../protocol/packet-writer.ts';
import { PacketReader } from '../protocol/packet-reader.ts';
import { FrameSplitter } from '../protocol/frame-splitter.ts';
import { BAD_PACKET_REASON, readLimboPackets, type LimboChat } from './limbo-reader.ts';
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

interface Run {
  chats: LimboChat[];
  answers: Buffer[];
  conn: PacketConn;
  /** The packets (id + body) the client received. */
  received: Buffer[];
  /** The server ended the connection (FIN) within the run. */
  ended: boolean;
  bad: Error[];
  stopped: boolean;
}

async function run(protocol: number, frames: Buffer[], threshold = -1): Promise<Run> {
  const { server, client, close } = await pair();
  const conn = new PacketConn(server, { validateCompression: true, peer: 'client' });
  conn.threshold = threshold;
  const out: Run = { chats: [], answers: [], conn, received: [], ended: false, bad: [], stopped: false };
  const keepAlive: KeepAlive = { stop: () => (out.stopped = true), answer: (p) => (out.answers.push(p), true) };
  readLimboPackets(conn, protocol, { onChat: (c) => out.chats.push(c), keepAlive, onBadPacket: (err) => out.bad.push(err) });
  const splitter = new FrameSplitter();
  client.on('data', (chunk: Buffer) => {
    splitter.push(chunk);
    for (let f = splitter.next(); f !== null; f = splitter.next()) out.received.push(Buffer.from(f));
  });
  client.on('end', () => (out.ended = true));
  client.on('error', () => undefined);
  client.write(Buffer.concat(frames));
  await new Promise((r) => setTimeout(r, 100));
  close();
  return out;
}

/** The body of the one disconnect the client received (JSON before 1.20.3, NBT after: the text is in there verbatim). */
function kickReason(r: Run, protocol: number): string {
  assert.equal(r.received.length, 1, 'one packet: the disconnect');
  const reader = new PacketReader(r.received[0]!);
  assert.equal(reader.varInt(), kernelIds(protocol).play.cb.kickDisconnect);
  return reader.rest().toString('utf8');
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

test('a chat line over the era limit (101 characters on 1.8) kicks the client with a reason; nothing after it is read', async () => {
  const sb = kernelIds(47).play.sb;
  const r = await run(47, [packet(sb.chatMessage, (w) => w.string('x'.repeat(101))), packet(sb.chatMessage, (w) => w.string('after'))]);
  assert.deepEqual(r.chats, []);
  assert.match(kickReason(r, 47), new RegExp(`${BAD_PACKET_REASON}: a chat line of 101 characters \\(the limit is 100\\)`));
  assert.ok(r.ended, 'the connection was closed after the disconnect');
  assert.ok(r.stopped, 'the keepalive loop was stopped');
  assert.deepEqual(r.bad.map((e) => (e as { code?: string }).code), ['IR_ERR_PROTO_STRING_TOO_LONG']);
});

test('a command of 5000 arguments (10 003 characters) is over the 256-character limit: kicked with a reason (1.12.2 chat, 1.21.4 chat_command)', async () => {
  const line = `x ${'a '.repeat(5000)}`;
  for (const [protocol, id, text] of [[340, kernelIds(340).play.sb.chatMessage, `/${line}`], [769, kernelIds(769).play.sb.chatCommand, line]] as const) {
    const r = await run(protocol, [packet(id, (w) => w.string(text))]);
    assert.deepEqual(r.chats, [], String(protocol));
    assert.match(kickReason(r, protocol), /Bad packet from your client: string of \d+ bytes cannot fit in 256 characters/, String(protocol));
  }
});

test('as many arguments as the limit allows (127 in 256 characters) reach the callback', async () => {
  const line = `x${' a'.repeat(127)}`;
  assert.equal(line.length, 255);
  const r = await run(769, [packet(kernelIds(769).play.sb.chatCommand, (w) => w.string(line))]);
  assert.deepEqual(r.chats, [{ text: line, command: true, signed: false }]);
});

test('unknown ids and garbage bodies are dropped unread; chat after them still arrives', async () => {
  const sb = kernelIds(769).play.sb;
  const known = new Set([sb.keepAlive, sb.chatMessage, sb.chatCommand, sb.chatCommandSigned]);
  const garbage: Buffer[] = [];
  for (let id = 0; id < 0x80; id++) if (!known.has(id)) garbage.push(packet(id, (w) => w.bytes(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x0f, id]))));
  garbage.push(packet(0x7fffff, () => undefined), packet(sb.chatCommand, (w) => w.string('still here')));
  const r = await run(769, garbage);
  assert.deepEqual(r.chats, [{ text: 'still here', command: true, signed: false }]);
  assert.deepEqual(r.received, [], 'no kick');
  assert.ok(!r.ended, 'still connected');
});

test('a truncated chat body and a frame that does not inflate each kick with a reason', async () => {
  const sb = kernelIds(769).play.sb;
  const truncated = await run(769, [packet(sb.chatMessage, (w) => w.varInt(40).bytes(Buffer.from('short')))]);
  assert.match(kickReason(truncated, 769), new RegExp(BAD_PACKET_REASON));
  // Compressed: data length 1000, then bytes that are not zlib.
  const notZlib = encodeFrame(new PacketWriter().varInt(1000).bytes(Buffer.alloc(40, 0x42)).toBuffer());
  const inflate = await run(769, [notZlib], 256);
  assert.equal(inflate.received.length, 1);
  assert.deepEqual(inflate.bad.length, 1);
  assert.ok(inflate.ended);
});

test('a signed command with 5000 argument signatures (1.3 MB) kicks with a reason; 8, the vanilla limit, are read as one signed command', async () => {
  const signed = (id: number, count: number): Buffer =>
    packet(id, (w) => {
      w.string('login secret').i64(1n).i64(2n).varInt(count);
      for (let i = 0; i < count; i++) w.string('a').bytes(Buffer.alloc(256, i));
      w.varInt(0).bytes(Buffer.alloc(3));
    });
  for (const [protocol, id] of [[762, kernelIds(762).play.sb.chatCommand], [769, kernelIds(769).play.sb.chatCommandSigned]] as const) {
    const huge = await run(protocol, [signed(id, 5000)]);
    assert.deepEqual(huge.chats, [], String(protocol));
    assert.match(kickReason(huge, protocol), /Bad packet from your client: a command with 5000 argument signatures \(the limit is 8\)/, String(protocol));
    const eight = await run(protocol, [signed(id, 8)]);
    assert.deepEqual(eight.chats, [{ text: 'login secret', command: true, signed: true }], String(protocol));
  }
});
