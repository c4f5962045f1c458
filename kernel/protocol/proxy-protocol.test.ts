import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInfrarustError } from '../errors.ts';
import { encodeProxyV2, encodeProxyV2Local, parseProxyHeader, PROXY_HEADER_MAX, V2_SIGNATURE } from './proxy-protocol.ts';

const PAYLOAD = Buffer.from([0x10, 0x00, 0xff, 0x05]);
const v1 = (line: string): Buffer => Buffer.concat([Buffer.from(line, 'latin1'), PAYLOAD]);

function v2(verCmd: number, famProto: number, body: Buffer): Buffer {
  const fixed = Buffer.alloc(4);
  fixed[0] = verCmd;
  fixed[1] = famProto;
  fixed.writeUInt16BE(body.length, 2);
  return Buffer.concat([V2_SIGNATURE, fixed, body]);
}

function rejects(buf: Buffer, pattern?: RegExp): void {
  assert.throws(() => parseProxyHeader(buf), (err: unknown) => isInfrarustError(err, 'IR_ERR_PROTO_PROXY_HEADER') && (pattern === undefined || pattern.test(err.message)));
}

/** Every strict prefix of a header is incomplete, and the whole parses to `expected`. */
function everyPrefixIncomplete(header: Buffer): void {
  for (let n = 0; n < header.length; n++) assert.deepEqual(parseProxyHeader(header.subarray(0, n)), { kind: 'incomplete' }, `prefix of ${n} bytes`);
}

test('v1 TCP4: addresses, ports, and the header length leaves the payload intact', () => {
  const buf = v1('PROXY TCP4 203.0.113.7 10.0.0.1 51234 25565\r\n');
  const h = parseProxyHeader(buf);
  assert.deepEqual(h, { kind: 'v1', command: 'PROXY', source: { address: '203.0.113.7', port: 51234 }, destination: { address: '10.0.0.1', port: 25565 }, headerLength: buf.length - PAYLOAD.length });
  assert.deepEqual(buf.subarray(h.kind === 'incomplete' ? 0 : h.headerLength), PAYLOAD);
});

test('v1 TCP6: addresses come out in canonical form', () => {
  const h = parseProxyHeader(v1('PROXY TCP6 2001:DB8:0:0:0:0:0:1 ::1 1 65535\r\n'));
  assert.ok(h.kind === 'v1');
  assert.deepEqual([h.source, h.destination], [{ address: '2001:db8::1', port: 1 }, { address: '::1', port: 65535 }]);
});

test('v1 UNKNOWN: accepted, no source (the peer address stays), the rest of the line ignored', () => {
  assert.deepEqual(parseProxyHeader(v1('PROXY UNKNOWN\r\n')), { kind: 'v1', command: 'PROXY', headerLength: 15 });
  const long = 'PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535\r\n';
  assert.deepEqual(parseProxyHeader(v1(long)), { kind: 'v1', command: 'PROXY', headerLength: long.length });
});

test('v1: every truncation point is incomplete', () => {
  everyPrefixIncomplete(Buffer.from('PROXY TCP4 203.0.113.7 10.0.0.1 51234 25565\r\n'));
  everyPrefixIncomplete(Buffer.from('PROXY UNKNOWN\r\n'));
});

test('v1: malformed lines are errors', () => {
  rejects(v1('PROXY TCP4 203.0.113.7 10.0.0.1 51234\r\n'), /TCP4\|TCP6/);
  rejects(v1('PROXY TCP4 ::1 10.0.0.1 1 2\r\n'), /IPv4/);
  rejects(v1('PROXY TCP6 1.2.3.4 ::1 1 2\r\n'), /IPv6/);
  rejects(v1('PROXY TCP4 1.2.3.4 5.6.7.8 65536 2\r\n'), /port/);
  rejects(v1('PROXY TCP4 1.2.3.4 5.6.7.8 01 2\r\n'), /port/);
  rejects(v1('PROXY TCP4  1.2.3.4 5.6.7.8 1 2\r\n'));
  rejects(v1('PROXY UDP4 1.2.3.4 5.6.7.8 1 2\r\n'));
  rejects(v1('PROXY TCP4 1.2.3.4 5.6.7.\x01 1 2\r\n'), /non-printable/);
  rejects(Buffer.from('PROXY\r\n'), /signature/);
});

test('v1: a line without CRLF within 107 bytes is an error, not a wait', () => {
  const line = `PROXY UNKNOWN ${'x'.repeat(91)}\r\n`;
  assert.equal(line.length, 107);
  assert.equal(parseProxyHeader(Buffer.from(line)).kind, 'v1');
  rejects(Buffer.from(`PROXY UNKNOWN ${'x'.repeat(92)}\r\n`), /longer than 107/);
  rejects(Buffer.from(`PROXY UNKNOWN ${'x'.repeat(200)}`), /longer than 107/);
});

test('v1: a bare LF or a lone CR is refused as soon as it arrives, not waited on', () => {
  rejects(Buffer.from('PROXY TCP4 203.0.113.7 10.0.0.1 51234 25565\n'), /bare LF/);
  rejects(Buffer.from('PROXY UNKNOWN\n'), /bare LF/);
  rejects(Buffer.from('PROXY TCP4 203.0.113.7\n10.0.0.1'), /bare LF/);
  rejects(Buffer.from('PROXY TCP4 203.0.113.7 10.0.0.1 51234 25565\r\r\n'), /CR not followed by LF/);
  rejects(Buffer.from('PROXY TCP4 203.0.113.7\r 10.0.0.1'), /CR not followed by LF/);
  // A CR as the last byte so far may still be followed by its LF.
  assert.deepEqual(parseProxyHeader(Buffer.from('PROXY UNKNOWN\r')), { kind: 'incomplete' });
});

const v4Body = Buffer.from([203, 0, 113, 7, 10, 0, 0, 1, 0xc8, 0x22, 0x63, 0xdd]);

test('v2 PROXY over IPv4', () => {
  const buf = Buffer.concat([v2(0x21, 0x11, v4Body), PAYLOAD]);
  assert.deepEqual(parseProxyHeader(buf), { kind: 'v2', command: 'PROXY', source: { address: '203.0.113.7', port: 51234 }, destination: { address: '10.0.0.1', port: 25565 }, headerLength: 28 });
});

test('v2 PROXY over IPv6, including an IPv4-mapped source', () => {
  const src = Buffer.from('20010db8000000000000000000000001', 'hex');
  const dst = Buffer.from('00000000000000000000ffff7f000001', 'hex');
  const h = parseProxyHeader(v2(0x21, 0x21, Buffer.concat([src, dst, Buffer.from([0, 80, 0x63, 0xdd])])));
  assert.deepEqual(h, { kind: 'v2', command: 'PROXY', source: { address: '2001:db8::1', port: 80 }, destination: { address: '::ffff:127.0.0.1', port: 25565 }, headerLength: 52 });
});

test('v2 LOCAL (a health check): accepted with no source, whatever the family says', () => {
  assert.deepEqual(parseProxyHeader(v2(0x20, 0x00, Buffer.alloc(0))), { kind: 'v2', command: 'LOCAL', headerLength: 16 });
  assert.deepEqual(parseProxyHeader(v2(0x20, 0x11, v4Body)), { kind: 'v2', command: 'LOCAL', headerLength: 28 });
});

test('v2 PROXY with UNSPEC family keeps the peer address', () => {
  assert.deepEqual(parseProxyHeader(v2(0x21, 0x00, Buffer.alloc(0))), { kind: 'v2', command: 'PROXY', headerLength: 16 });
});

test('v2 TLVs after the addresses are skipped', () => {
  const tlvs = Buffer.from([0x01, 0x00, 0x02, 0x68, 0x32, 0x04, 0x00, 0x03, 0xaa, 0xbb, 0xcc]);
  const h = parseProxyHeader(Buffer.concat([v2(0x21, 0x11, Buffer.concat([v4Body, tlvs])), PAYLOAD]));
  assert.equal(h.kind === 'v2' && h.headerLength, 28 + tlvs.length);
  assert.equal(h.kind === 'v2' && h.source?.address, '203.0.113.7');
});

test('v2: every truncation point is incomplete', () => {
  everyPrefixIncomplete(v2(0x21, 0x11, v4Body));
  everyPrefixIncomplete(v2(0x20, 0x00, Buffer.alloc(0)));
});

test('v2: malformed headers are errors, as early as the bytes allow', () => {
  rejects(Buffer.concat([V2_SIGNATURE, Buffer.from([0x11])]), /version 1/);
  rejects(Buffer.concat([V2_SIGNATURE, Buffer.from([0x22])]), /command 2/);
  rejects(v2(0x21, 0x12, v4Body), /family\/protocol/); // UDP
  rejects(v2(0x21, 0x31, Buffer.alloc(216)), /family\/protocol/); // AF_UNIX
  rejects(v2(0x21, 0x11, v4Body.subarray(0, 11)), /shorter/);
  rejects(v2(0x21, 0x21, Buffer.alloc(35)), /shorter/);
});

test('headers longer than 536 bytes are errors, even before the rest arrives', () => {
  assert.equal(parseProxyHeader(v2(0x21, 0x11, Buffer.concat([v4Body, Buffer.alloc(PROXY_HEADER_MAX - 16 - 12)]))).kind, 'v2');
  const fixed = Buffer.from([0x21, 0x11, 0x02, 0x09]); // length 521: 537 bytes in all
  rejects(Buffer.concat([V2_SIGNATURE, fixed]), /537 bytes/);
});

test('garbage and a bare Minecraft handshake are errors', () => {
  rejects(Buffer.from([0x10, 0x00, 0xff, 0x05, 0x09]), /signature/);
  rejects(Buffer.from('GET / HTTP/1.1\r\n'), /signature/);
  rejects(Buffer.from([0x50, 0x00]), /signature/); // a 80-byte frame starts with "P"
  rejects(Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x01]), /signature/);
  assert.deepEqual(parseProxyHeader(Buffer.alloc(0)), { kind: 'incomplete' });
});

test('encodeProxyV2 round-trips IPv4 and IPv6, and maps mixed families to IPv6', () => {
  const round = (source: string, destination: string) => {
    const h = parseProxyHeader(encodeProxyV2({ source: { address: source, port: 40000 }, destination: { address: destination, port: 25565 } }));
    assert.ok(h.kind === 'v2');
    return [h.source?.address, h.destination?.address, h.source?.port, h.destination?.port, h.headerLength];
  };
  assert.deepEqual(round('203.0.113.7', '10.0.0.1'), ['203.0.113.7', '10.0.0.1', 40000, 25565, 28]);
  assert.deepEqual(round('::ffff:203.0.113.7', '::ffff:127.0.0.1'), ['203.0.113.7', '127.0.0.1', 40000, 25565, 28]);
  assert.deepEqual(round('2001:db8::42', 'fe80::1%eth0'), ['2001:db8::42', 'fe80::1', 40000, 25565, 52]);
  assert.deepEqual(round('203.0.113.7', '::1'), ['::ffff:203.0.113.7', '::1', 40000, 25565, 52]);
  assert.deepEqual(round('1:2:3:4:5:6:7:8', '1:0:0:2:0:0:0:3'), ['1:2:3:4:5:6:7:8', '1:0:0:2::3', 40000, 25565, 52]);
  assert.throws(() => encodeProxyV2({ source: { address: 'unknown', port: 1 }, destination: { address: '::1', port: 2 } }), RangeError);
});

test('encodeProxyV2Local is a 16-byte LOCAL header', () => {
  assert.deepEqual(parseProxyHeader(encodeProxyV2Local()), { kind: 'v2', command: 'LOCAL', headerLength: 16 });
});
