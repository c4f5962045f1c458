import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelIds } from '../../protocol/ids/index.ts';
import {
  bungeeChannelFor,
  DataInput,
  DataOutput,
  decodeModifiedUtf8,
  decodePluginMessage,
  encodeModifiedUtf8,
  encodePluginMessage,
  isBungeeChannel,
  utfPayload,
} from './bungeecord-codec.ts';

test('modified UTF-8 as Java writes it: NUL as C0 80, 2- and 3-byte forms, surrogate pairs as two 3-byte units', () => {
  assert.deepEqual([...encodeModifiedUtf8('a\0é€')], [0x61, 0xc0, 0x80, 0xc3, 0xa9, 0xe2, 0x82, 0xac]);
  assert.deepEqual([...encodeModifiedUtf8('😀')], [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
  for (const s of ['', 'lobby', 'a\0é€😀', 'x'.repeat(70000)]) assert.equal(decodeModifiedUtf8(encodeModifiedUtf8(s)), s);
});

test('bad modified UTF-8 throws: a lone continuation byte, a truncated sequence, a 4-byte form', () => {
  for (const bytes of [[0x80], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98, 0x80]]) {
    assert.throws(() => decodeModifiedUtf8(Buffer.from(bytes)), /IR_ERR_PROTO_FIELD_INVALID|modified UTF-8/);
  }
});

test('DataOutput/DataInput: writeUTF (u16 length), writeInt, writeShort (a port above 32767), rest', () => {
  const data = new DataOutput().writeUTF('IP').writeUTF('127.0.0.1').writeInt(-2).writeShort(65535).writeBytes(Buffer.from([1, 2])).toBuffer();
  assert.deepEqual([...data.subarray(0, 4)], [0, 2, 0x49, 0x50]);
  const input = new DataInput(data);
  assert.equal(input.readUTF(), 'IP');
  assert.equal(input.readUTF(), '127.0.0.1');
  assert.equal(input.readInt(), -2);
  assert.equal(input.readShort() & 0xffff, 65535);
  assert.deepEqual([...input.rest()], [1, 2]);
  assert.equal(input.remaining, 0);
});

test('a string longer than its bytes, or a missing int, throws IR_ERR_PROTO_TRUNCATED', () => {
  assert.throws(() => new DataInput(Buffer.from([0, 9, 0x41])).readUTF(), /needs 9 bytes, 1 left/);
  assert.throws(() => new DataInput(Buffer.from([0])).readUTF(), /string length/);
  assert.throws(() => new DataInput(Buffer.from([0, 0, 0])).readInt(), /an int/);
  assert.throws(() => new DataOutput().writeUTF('é'.repeat(40000)), /65535/);
});

test('channel names: bungeecord:main from 1.13 (393), BungeeCord before; both accepted', () => {
  assert.equal(bungeeChannelFor(340), 'BungeeCord');
  assert.equal(bungeeChannelFor(393), 'bungeecord:main');
  assert.equal(bungeeChannelFor(769), 'bungeecord:main');
  assert.ok(isBungeeChannel('BungeeCord') && isBungeeChannel('bungeecord:main'));
  assert.ok(!isBungeeChannel('bungeecord') && !isBungeeChannel('minecraft:brand'));
});

test('custom_payload: channel string then the data to the end', () => {
  const id = kernelIds(769).play.cb.customPayload;
  const packet = encodePluginMessage(id, 'bungeecord:main', utfPayload('GetServers'));
  const decoded = decodePluginMessage(packet);
  assert.equal(decoded.channel, 'bungeecord:main');
  assert.equal(new DataInput(decoded.data).readUTF(), 'GetServers');
});
