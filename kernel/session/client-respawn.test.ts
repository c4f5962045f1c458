// switchPackets per era: the title reset first (1.8+), then before 1.16 the Join Game moved to the
// other dimension and a Respawn into the real one (layouts of 1.8, 1.12.2, 1.14.4, 1.15.2), from
// 1.16 the Join Game untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelIds } from '../protocol/ids/index.ts';
import { PacketReader } from '../protocol/packet-reader.ts';
import { PacketWriter } from '../protocol/packet-writer.ts';
import { packetOf } from '../protocol/packets/protocol-versions.ts';
import { switchPackets, titleReset } from './client-respawn.ts';

function oldJoin(protocol: number, dimension: number): Buffer {
  const w = new PacketWriter(64).i32(42).u8(1 | 0x8);
  if (protocol >= 108) w.i32(dimension);
  else w.u8(dimension & 0xff);
  if (protocol < 477) w.u8(2);
  if (protocol >= 573) w.i64(123456789n);
  w.u8(20).string('flat');
  return packetOf(kernelIds(protocol).play.cb.login, w.toBuffer());
}

for (const [name, protocol] of [['1.8', 47], ['1.12.2', 340], ['1.14.4', 498], ['1.15.2', 578]] as const) {
  test(`${name}: Join Game in the other dimension, then a Respawn into the real one`, () => {
    for (const dimension of [0, 1, -1]) {
      const [reset, join, respawn] = switchPackets(protocol, oldJoin(protocol, dimension));
      assert.deepEqual(reset, titleReset(protocol));
      const j = new PacketReader(join);
      j.varInt();
      j.i32();
      j.u8();
      const moved = protocol >= 108 ? j.i32() : j.bytes(1).readInt8(0);
      assert.equal(moved, dimension === 0 ? -1 : 0);
      const r = new PacketReader(respawn);
      assert.equal(r.varInt(), kernelIds(protocol).play.cb.respawn);
      assert.equal(r.i32(), dimension);
      if (protocol >= 573) assert.equal(r.i64(), 123456789n);
      if (protocol < 477) assert.equal(r.u8(), 2);
      assert.equal(r.u8(), 1, 'game mode without the hardcore bit');
      assert.equal(r.string(16), 'flat');
      assert.equal(r.remaining, 0);
    }
  });
}

test('1.16+: the Join Game is passed on untouched after the title reset; 1.7 has no title', () => {
  const join = packetOf(kernelIds(754).play.cb.login, Buffer.from([1, 2, 3]));
  assert.deepEqual(switchPackets(754, join), [titleReset(754), join]);
  assert.equal(titleReset(5), undefined);
  assert.equal(switchPackets(5, oldJoin(5, 0)).length, 2);
});
