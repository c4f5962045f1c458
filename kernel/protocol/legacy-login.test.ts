import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInfrarustError } from '../errors.ts';
import { parseLegacyLoginHandshake } from './legacy-login.ts';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const be = (s: string) => hex([...s].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join(''));
const invalid = (e: unknown) => isInfrarustError(e, 'IR_ERR_PROTO_HANDSHAKE_INVALID');

// 1.6.4 (protocol 78) client: 02, protocol, username, host, port.
const LOGIN_16 = Buffer.concat([hex('02 4e 0005'), be('Notch'), hex('0009'), be('localhost'), hex('000063dd')]);
// 1.2.5 client: 02, "username;host:port".
const LOGIN_125 = Buffer.concat([hex('02 0015'), be('Notch;localhost:25565')]);

test('1.3–1.6 form parses, every strict prefix is incomplete', () => {
  assert.deepEqual(parseLegacyLoginHandshake(LOGIN_16), { protocol: 78, username: 'Notch', host: 'localhost', port: 25565 });
  for (let n = 0; n < LOGIN_16.length; n++) assert.equal(parseLegacyLoginHandshake(LOGIN_16.subarray(0, n)), 'incomplete');
});

test('≤ 1.2.5 form parses "user;host:port", every strict prefix is incomplete', () => {
  assert.deepEqual(parseLegacyLoginHandshake(LOGIN_125), { username: 'Notch', host: 'localhost', port: 25565 });
  for (let n = 0; n < LOGIN_125.length; n++) assert.equal(parseLegacyLoginHandshake(LOGIN_125.subarray(0, n)), 'incomplete');
});

test('older ≤ 1.2.5 variants: username only, or no port', () => {
  assert.deepEqual(parseLegacyLoginHandshake(Buffer.concat([hex('02 0005'), be('Notch')])), { username: 'Notch', host: '', port: 0 });
  assert.deepEqual(
    parseLegacyLoginHandshake(Buffer.concat([hex('02 000f'), be('Notch;mc.ex.com')])),
    { username: 'Notch', host: 'mc.ex.com', port: 0 },
  );
});

test('nonsense is rejected', () => {
  assert.throws(() => parseLegacyLoginHandshake(hex('03 00')), invalid);
  assert.throws(() => parseLegacyLoginHandshake(Buffer.concat([hex('02 0004'), be('a;h:')])), invalid);
  assert.throws(() => parseLegacyLoginHandshake(hex('02 4e 0011')), invalid); // 17-char username
  assert.throws(() => parseLegacyLoginHandshake(Buffer.concat([hex('02 4e 0001'), be('a'), hex('0100')])), invalid);
  assert.throws(() => parseLegacyLoginHandshake(Buffer.concat([hex('02 4e 0001'), be('a'), hex('0001'), be('h'), hex('00010000')])), invalid);
  assert.throws(() => parseLegacyLoginHandshake(Buffer.concat([hex('02 0006'), be('a;h:xy')])), invalid);
  assert.throws(() => parseLegacyLoginHandshake(Buffer.concat([hex('02 0009'), be('a;h:99999')])), invalid);
  assert.throws(() => parseLegacyLoginHandshake(Buffer.concat([hex('02 0004'), be(';h:1')])), invalid);
});
