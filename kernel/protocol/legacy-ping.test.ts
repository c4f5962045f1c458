import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInfrarustError } from '../errors.ts';
import { encodeLegacyKick, legacyPingReply, parseLegacyPing } from './legacy-ping.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
/** UTF-16BE, spelled out byte by byte so the test does not reuse the code under test. */
const be = (s: string) => hex([...s].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join(''));

// 1.6.4 client pinging localhost:25565, per the wiki's Server List Ping "1.6" section.
const PING_16 = Buffer.concat([
  hex('fe 01 fa 000b'), be('MC|PingHost'),
  hex('0019'), // data length: 7 + 2 * 9
  hex('4e'), // protocol 78
  hex('0009'), be('localhost'),
  hex('000063dd'), // port 25565
]);

test('Beta form: a lone FE is incomplete until the caller says the stream ended', () => {
  assert.equal(parseLegacyPing(hex('fe')), 'incomplete');
  assert.deepEqual(parseLegacyPing(hex('fe'), true), { kind: 'beta' });
});

test('1.4 form: FE 01 is incomplete until ended', () => {
  assert.equal(parseLegacyPing(hex('fe 01')), 'incomplete');
  assert.deepEqual(parseLegacyPing(hex('fe 01'), true), { kind: '1.4' });
});

test('1.6 form parses, and every strict prefix is incomplete', () => {
  assert.deepEqual(parseLegacyPing(PING_16), { kind: '1.6', protocol: 78, host: 'localhost', port: 25565 });
  for (let n = 1; n < PING_16.length; n++) {
    assert.equal(parseLegacyPing(PING_16.subarray(0, n)), 'incomplete', `prefix ${n}`);
  }
  assert.throws(() => parseLegacyPing(PING_16.subarray(0, 30), true), (e) => isInfrarustError(e, 'IR_ERR_PROTO_HANDSHAKE_INVALID'));
});

test('not a legacy ping: other first bytes and modern frames starting with FE', () => {
  assert.equal(parseLegacyPing(hex('10 00')), null);
  assert.equal(parseLegacyPing(hex('fe 02')), null); // modern frame of 382 bytes
  assert.equal(parseLegacyPing(hex('fe 01 00')), null); // modern frame of 254 bytes, id 0
});

test('1.6 pings on another channel or with an oversized host are rejected', () => {
  const wrongChannel = Buffer.concat([hex('fe 01 fa 000b'), be('MC|PingHosX'), PING_16.subarray(27)]);
  assert.throws(() => parseLegacyPing(wrongChannel), (e) => isInfrarustError(e, 'IR_ERR_PROTO_HANDSHAKE_INVALID'));
  const longChannel = hex('fe 01 fa 0100');
  assert.throws(() => parseLegacyPing(longChannel), (e) => isInfrarustError(e, 'IR_ERR_PROTO_HANDSHAKE_INVALID'));
  const bigHost = Buffer.concat([PING_16.subarray(0, 30), hex('0100')]);
  assert.throws(() => parseLegacyPing(bigHost), (e) => isInfrarustError(e, 'IR_ERR_PROTO_HANDSHAKE_INVALID'));
});

test('1.4+ reply: §1 NUL-separated fields in a 0xFF kick', () => {
  const info = { protocol: 127, versionName: '1.20.1', motd: 'A Minecraft Server', online: 3, max: 20 };
  const text = '\u00a71\u0000127\u00001.20.1\u0000A Minecraft Server\u00003\u000020';
  const expected = Buffer.concat([hex('ff'), hex(text.length.toString(16).padStart(4, '0')), be(text)]);
  assert.deepEqual(legacyPingReply('1.6', info), expected);
  assert.deepEqual(legacyPingReply('1.4', info), expected);
});

test('Beta reply: motd§online§max with formatting stripped', () => {
  const reply = legacyPingReply('beta', { protocol: 0, versionName: '', motd: '\u00a7aGreen \u00a7lserver', online: 1, max: 10 });
  const text = 'Green server\u00a71\u00a710';
  assert.deepEqual(reply, Buffer.concat([hex('ff'), hex(text.length.toString(16).padStart(4, '0')), be(text)]));
});

test('replies fit the client limits (256 chars, 100 for Beta) by shortening the motd', () => {
  const info = { protocol: 78, versionName: '1.6.4', motd: 'x'.repeat(1000), online: 1, max: 2 };
  assert.equal(legacyPingReply('1.6', info).readUInt16BE(1), 256);
  assert.equal(legacyPingReply('beta', info).readUInt16BE(1), 100);
  assert.ok(legacyPingReply('beta', info).subarray(3).equals(be('x'.repeat(96) + '\u00a71\u00a72')));
});

test('encodeLegacyKick', () => {
  assert.deepEqual(encodeLegacyKick('Bye'), Buffer.concat([hex('ff 0003'), be('Bye')]));
  assert.equal(encodeLegacyKick('y'.repeat(300)).readUInt16BE(1), 256);
});
