import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInfrarustError } from '../../errors.ts';
import { FrameSplitter } from '../frame-splitter.ts';
import {
  decodePing, decodeStatusRequest, decodeStatusResponse, encodePing, encodePong, encodeStatusRequest, encodeStatusResponse,
} from './status.ts';
import { oracleEncode, skipWithoutOracle } from './oracle.test-helper.ts';

function unframe(frame: Buffer): Buffer {
  const s = new FrameSplitter();
  s.push(frame);
  return s.next()!;
}

test('status request is the two bytes 01 00', () => {
  assert.deepEqual(encodeStatusRequest(), Buffer.from([1, 0]));
  decodeStatusRequest(unframe(encodeStatusRequest()));
  assert.throws(() => decodeStatusRequest(Buffer.from([1])), (e) => isInfrarustError(e, 'IR_ERR_PROTO_UNEXPECTED_PACKET'));
  assert.throws(() => decodeStatusRequest(Buffer.from([0, 0])), (e) => isInfrarustError(e, 'IR_ERR_PROTO_UNEXPECTED_PACKET') && /empty body, got 1 more bytes/.test(e.message));
  assert.throws(() => decodeStatusRequest(Buffer.alloc(60_001)), /got 60000 more bytes/);
});

test('status response round trips, favicon-sized JSON included', () => {
  const json = JSON.stringify({ version: { name: '1.20.1', protocol: 763 }, favicon: 'data:image/png;base64,' + 'A'.repeat(200000) });
  assert.equal(decodeStatusResponse(unframe(encodeStatusResponse(json))), json);
});

test('ping/pong carry 8 bytes verbatim', () => {
  const payload = Buffer.from('0123456789abcdef', 'hex');
  const frame = encodePong(payload);
  assert.deepEqual(frame, Buffer.concat([Buffer.from([9, 1]), payload]));
  assert.deepEqual(decodePing(unframe(frame)), payload);
  assert.deepEqual(encodePing(0x0123456789abcdefn), frame);
  assert.deepEqual(encodePong(-1n).subarray(2), Buffer.alloc(8, 0xff));
  assert.throws(() => decodePing(Buffer.from([1, 0, 0])), (e) => isInfrarustError(e, 'IR_ERR_PROTO_TRUNCATED'));
  assert.throws(() => decodePing(Buffer.alloc(10, 1)), (e) => isInfrarustError(e, 'IR_ERR_PROTO_UNEXPECTED_PACKET') && /8-byte body, got 1 more bytes/.test(e.message));
  assert.throws(() => encodePong(Buffer.alloc(7)), RangeError);
});

test('byte-identical to minecraft-protocol', { skip: skipWithoutOracle }, () => {
  const json = '{"description":{"text":"hi"},"players":{"max":20,"online":0}}';
  assert.deepEqual(unframe(encodeStatusResponse(json)), oracleEncode('1.20.1', 'status', true, 'server_info', { response: json }));
  assert.deepEqual(unframe(encodePong(0x0000000100000002n)), oracleEncode('1.20.1', 'status', true, 'ping', { time: [1, 2] }));
  assert.deepEqual(unframe(encodeStatusRequest()), oracleEncode('1.20.1', 'status', false, 'ping_start', {}));
});
