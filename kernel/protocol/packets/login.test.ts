import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isInfrarustError } from '../../errors.ts';
import { PacketReader } from '../packet-reader.ts';
import { PacketWriter, encodePacket } from '../packet-writer.ts';
import { FrameSplitter } from '../frame-splitter.ts';
import { decodeLoginStart, encodeLoginDisconnect, encodeLoginStart } from './login.ts';
import { oracleEncode, skipWithoutOracle } from './oracle.test-helper.ts';

function unframe(frame: Buffer): Buffer {
  const s = new FrameSplitter();
  s.push(frame);
  return s.next()!;
}

const UUID = '069a79f4-44e9-4726-a5be-fca90e38aaf5';
const hex = (s: string) => Buffer.from(s.replace(/ /g, ''), 'hex');

test('each Login Start layout decodes (hand-built bytes)', () => {
  const name = '05 4e6f746368'; // "Notch"
  const uuid = '069a79f444e94726a5befca90e38aaf5';
  assert.deepEqual(decodeLoginStart(hex(`00 ${name}`), 758), { name: 'Notch' });
  assert.deepEqual(decodeLoginStart(hex(`00 ${name} 00`), 759), { name: 'Notch' });
  assert.deepEqual(decodeLoginStart(hex(`00 ${name} 00 01 ${uuid}`), 760), { name: 'Notch', uuid: UUID });
  assert.deepEqual(decodeLoginStart(hex(`00 ${name} 00 00`), 760), { name: 'Notch' });
  assert.deepEqual(decodeLoginStart(hex(`00 ${name} 01 ${uuid}`), 761), { name: 'Notch', uuid: UUID });
  assert.deepEqual(decodeLoginStart(hex(`00 ${name} 00`), 763), { name: 'Notch' });
  assert.deepEqual(decodeLoginStart(hex(`00 ${name} ${uuid}`), 764), { name: 'Notch', uuid: UUID });
  assert.deepEqual(decodeLoginStart(hex(`00 ${name} ${uuid}`), 774), { name: 'Notch', uuid: UUID });
});

test('1.19 and 1.19.2 signature data: the chat key is kept, the rest skipped', () => {
  const sig = (w: PacketWriter) => w.bool(true).i64(1700000000000n).byteArray(Buffer.alloc(294, 1)).byteArray(Buffer.alloc(512, 2));
  const v759 = sig(new PacketWriter().varInt(0).string('Notch')).toBuffer();
  assert.deepEqual(decodeLoginStart(v759, 759), { name: 'Notch', chatKey: Buffer.alloc(294, 1) });
  const v760 = sig(new PacketWriter().varInt(0).string('Notch')).bool(true).uuid(UUID).toBuffer();
  assert.deepEqual(decodeLoginStart(v760, 760), { name: 'Notch', chatKey: Buffer.alloc(294, 1), uuid: UUID });
  const hugeKey = new PacketWriter().varInt(0).string('Notch').bool(true).i64(0n).byteArray(Buffer.alloc(513)).toBuffer();
  assert.throws(() => decodeLoginStart(hugeKey, 759), (e) => isInfrarustError(e, 'IR_ERR_PROTO_FIELD_INVALID'));
});

test('byte-identical to minecraft-protocol for each layout', { skip: skipWithoutOracle }, () => {
  const cases = [['1.12.2', 340], ['1.18.2', 758], ['1.19', 759], ['1.19.2', 760], ['1.20.1', 763], ['1.20.2', 764], ['1.21.4', 769]] as const;
  for (const [version, protocol] of cases) {
    const theirs = oracleEncode(version, 'login', false, 'login_start', { username: 'Notch', playerUUID: UUID });
    const ours = unframe(encodeLoginStart({ name: 'Notch', uuid: UUID }, protocol));
    assert.deepEqual(ours, theirs, version);
    const expected = protocol >= 760 ? { name: 'Notch', uuid: UUID } : { name: 'Notch' };
    assert.deepEqual(decodeLoginStart(theirs, protocol), expected, version);
  }
  // 1.19 with signature data, encoded by the oracle.
  const signed = oracleEncode('1.19', 'login', false, 'login_start', {
    username: 'Notch', signature: { timestamp: [0, 1], publicKey: Buffer.alloc(10, 1), signature: Buffer.alloc(20, 2) },
  });
  assert.deepEqual(decodeLoginStart(signed, 759), { name: 'Notch', chatKey: Buffer.alloc(10, 1) });
});

test('names over 16 chars, wrong ids and truncation are rejected; trailing bytes ignored', () => {
  const long = new PacketWriter().varInt(0).string('a'.repeat(17)).toBuffer();
  assert.throws(() => decodeLoginStart(long, 340), (e) => isInfrarustError(e, 'IR_ERR_PROTO_STRING_TOO_LONG'));
  assert.throws(() => decodeLoginStart(hex('01 01 61'), 340), (e) => isInfrarustError(e, 'IR_ERR_PROTO_UNEXPECTED_PACKET'));
  assert.throws(() => decodeLoginStart(hex('00 05 4e6f7463 68 069a79f4'), 764), (e) => isInfrarustError(e, 'IR_ERR_PROTO_TRUNCATED'));
  assert.throws(() => decodeLoginStart(hex('00 05 4e6f746368 01 069a'), 761), (e) => isInfrarustError(e, 'IR_ERR_PROTO_TRUNCATED'));
  assert.deepEqual(decodeLoginStart(hex('00 05 4e6f746368 ffff'), 340), { name: 'Notch' });
});

test('encodeLoginStart falls back to the offline UUID from 1.20.2', () => {
  const p = unframe(encodeLoginStart({ name: 'Notch' }, 764));
  assert.deepEqual(decodeLoginStart(p, 764), { name: 'Notch', uuid: 'b50ad385-829d-3141-a216-7e7d7539ba7f' });
});

test('encodeLoginDisconnect matches minecraft-protocol', { skip: skipWithoutOracle }, () => {
  const json = '{"text":"Server is restarting","color":"red"}';
  const p = unframe(encodeLoginDisconnect(json));
  assert.deepEqual(p, oracleEncode('1.20.1', 'login', true, 'disconnect', { reason: json }));
  const r = new PacketReader(p);
  assert.equal(r.varInt(), 0);
  assert.equal(r.string(262144), json);
  assert.deepEqual(encodeLoginDisconnect('"x"'), encodePacket(0, new PacketWriter().string('"x"').toBuffer()));
});
