import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInfrarustError } from '../../errors.ts';
import { PacketWriter, encodePacket } from '../packet-writer.ts';
import { FrameSplitter } from '../frame-splitter.ts';
import { decodeHandshake, encodeHandshake, splitForgeMarker, MAX_HANDSHAKE_ADDRESS } from './handshake.ts';
import { oracleDecode, oracleEncode, skipWithoutOracle } from './oracle.test-helper.ts';

function unframe(frame: Buffer): Buffer {
  const s = new FrameSplitter();
  s.push(frame);
  return s.next()!;
}

const HS = { protocolVersion: 763, address: 'play.example.com\0FML2\0', port: 25565, nextState: 2 as const };

test('encode/decode round trip', () => {
  assert.deepEqual(decodeHandshake(unframe(encodeHandshake(HS))), HS);
});

test('encoding is byte-identical to minecraft-protocol for several versions', { skip: skipWithoutOracle }, () => {
  for (const [version, protocolVersion] of [['1.8', 47], ['1.12.2', 340], ['1.20.1', 763], ['1.21.4', 769]] as const) {
    const h = { ...HS, protocolVersion, nextState: 1 as const };
    const ours = unframe(encodeHandshake(h));
    const theirs = oracleEncode(version, 'handshaking', false, 'set_protocol', {
      protocolVersion, serverHost: h.address, serverPort: h.port, nextState: h.nextState,
    });
    assert.deepEqual(ours, theirs, version);
    assert.deepEqual(oracleDecode(version, 'handshaking', true, ours), {
      protocolVersion, serverHost: h.address, serverPort: h.port, nextState: h.nextState,
    });
  }
});

test('a hand-built 1.20.1 handshake for localhost:25565, login', () => {
  const bytes = Buffer.from('10 00 fb 05 09 6c 6f 63 61 6c 68 6f 73 74 63 dd 02'.replace(/ /g, ''), 'hex');
  assert.deepEqual(decodeHandshake(unframe(bytes)), { protocolVersion: 763, address: 'localhost', port: 25565, nextState: 2 });
});

test('transfer (3) is accepted; other next states and ids are rejected', () => {
  assert.equal(decodeHandshake(unframe(encodeHandshake({ ...HS, nextState: 3 }))).nextState, 3);
  const body = (next: number) => new PacketWriter().varInt(763).string('a').u16(1).varInt(next).toBuffer();
  const invalid = (e: unknown) => isInfrarustError(e, 'IR_ERR_PROTO_HANDSHAKE_INVALID');
  for (const next of [0, 4, -1]) assert.throws(() => decodeHandshake(unframe(encodePacket(0, body(next)))), invalid);
  assert.throws(() => decodeHandshake(unframe(encodePacket(1, body(1)))), invalid);
});

test('address bound: 255 + 32 chars by default, configurable', () => {
  const at = (n: number) => unframe(encodeHandshake({ ...HS, address: 'a'.repeat(n) }));
  assert.equal(decodeHandshake(at(MAX_HANDSHAKE_ADDRESS)).address.length, 287);
  assert.throws(() => decodeHandshake(at(288)), (e) => isInfrarustError(e, 'IR_ERR_PROTO_STRING_TOO_LONG'));
  assert.equal(decodeHandshake(at(2000), 32767).address.length, 2000);
});

test('truncated handshakes throw IR_ERR_PROTO_TRUNCATED', () => {
  const full = unframe(encodeHandshake(HS));
  for (let n = 1; n < full.length; n++) {
    assert.throws(() => decodeHandshake(full.subarray(0, n)), (e) => isInfrarustError(e, 'IR_ERR_PROTO_TRUNCATED'), `at ${n}`);
  }
});

test('splitForgeMarker separates host and marker', () => {
  assert.deepEqual(splitForgeMarker('Play.Example.COM'), { host: 'play.example.com', marker: '' });
  assert.deepEqual(splitForgeMarker('play.example.com.'), { host: 'play.example.com', marker: '' });
  assert.deepEqual(splitForgeMarker('mc.example.com\0FML\0'), { host: 'mc.example.com', marker: '\0FML\0' });
  assert.deepEqual(splitForgeMarker('mc.example.com.\0FML2\0'), { host: 'mc.example.com', marker: '\0FML2\0' });
  assert.deepEqual(splitForgeMarker('mc.example.com\0FML3\0'), { host: 'mc.example.com', marker: '\0FML3\0' });
  const bungee = 'mc.example.com\u00001.2.3.4\u0000069a79f444e94726a5befca90e38aaf5\u0000[]';
  assert.deepEqual(splitForgeMarker(bungee), { host: 'mc.example.com', marker: bungee.slice(14) });
});
