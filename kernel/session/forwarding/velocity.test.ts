import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GameProfile } from '../../../sdk/auth.ts';
import { PacketReader } from '../../protocol/packet-reader.ts';
import { answerVelocityRequest, chooseVelocityVersion, encodeVelocityForwarding, requestedVelocityVersion, velocityForwardingChannel } from './velocity.ts';

const PROFILE: GameProfile = {
  uuid: '069a79f4-44e9-4726-a5be-fca90e38aaf5',
  name: 'Notch',
  properties: [
    { name: 'textures', value: 'eyJ0aW1lc3RhbXAiOjE=', signature: 'c2lnbmF0dXJl' },
    { name: 'unsigned', value: 'v' },
    { name: 'empty-signature', value: 'w', signature: '' },
  ],
};
const SECRET = 'f0rw4rd-s3cr3t';

test('the channel is velocity:player_info', () => {
  assert.equal(velocityForwardingChannel, 'velocity:player_info');
});

for (const version of [1, 4]) {
  test(`version ${version}: HMAC-SHA256 over the payload, then the payload field by field`, () => {
    const data = encodeVelocityForwarding({ version, address: '203.0.113.7', profile: PROFILE, secret: SECRET });
    const payload = data.subarray(32);
    const expected = createHmac('sha256', Buffer.from(SECRET, 'utf8')).update(payload).digest();
    assert.ok(timingSafeEqual(data.subarray(0, 32), expected), 'signature matches an independent HMAC');
    const r = new PacketReader(payload);
    assert.equal(r.varInt(), version);
    assert.equal(r.string(255), '203.0.113.7');
    assert.equal(r.uuid(), PROFILE.uuid);
    assert.equal(r.string(16), 'Notch');
    assert.equal(r.varInt(), 3);
    assert.deepEqual([r.string(64), r.string(32767), r.bool(), r.string(1024)], ['textures', 'eyJ0aW1lc3RhbXAiOjE=', true, 'c2lnbmF0dXJl']);
    assert.deepEqual([r.string(64), r.string(32767), r.bool()], ['unsigned', 'v', false]);
    assert.deepEqual([r.string(64), r.string(32767), r.bool()], ['empty-signature', 'w', false], 'an empty signature is written as unsigned, as Velocity does');
    assert.equal(r.remaining, 0, 'versions 1 and 4 carry no key');
  });
}

test('a different secret gives a different signature; a Buffer secret equals its UTF-8 string', () => {
  const a = encodeVelocityForwarding({ version: 1, address: '::1', profile: PROFILE, secret: SECRET });
  const b = encodeVelocityForwarding({ version: 1, address: '::1', profile: PROFILE, secret: 'other' });
  const c = encodeVelocityForwarding({ version: 1, address: '::1', profile: PROFILE, secret: Buffer.from(SECRET) });
  assert.notDeepEqual(a.subarray(0, 32), b.subarray(0, 32));
  assert.deepEqual(a, c);
});

test('versions 2 and 3 need a chat-signing key, which the proxy never has', () => {
  for (const version of [0, 2, 3, 5]) {
    assert.throws(() => encodeVelocityForwarding({ version, address: '::1', profile: PROFILE, secret: SECRET }), RangeError);
  }
});

test('the requested version is a single signed byte; other lengths mean none', () => {
  assert.equal(requestedVelocityVersion(Buffer.alloc(0)), undefined);
  assert.equal(requestedVelocityVersion(Buffer.from([4])), 4);
  assert.equal(requestedVelocityVersion(Buffer.from([0xff])), -1);
  assert.equal(requestedVelocityVersion(Buffer.from([4, 0])), undefined);
});

// Velocity's findForwardingVersion with key = null. 758 = 1.18.2, 759 = 1.19, 760 = 1.19.1/2,
// 761 = 1.19.3, 765 = 1.20.3/4.
const TABLE: Array<[requested: number | undefined, byProtocol: Record<number, number>]> = [
  [undefined, { 758: 1, 759: 1, 760: 1, 761: 1, 765: 1 }],
  [-1, { 758: 1, 759: 1, 760: 1, 761: 1, 765: 1 }],
  [1, { 758: 1, 759: 1, 760: 1, 761: 1, 765: 1 }],
  [2, { 758: 1, 759: 1, 760: 1, 761: 1, 765: 1 }],
  [3, { 758: 1, 759: 1, 760: 1, 761: 1, 765: 1 }],
  [4, { 758: 1, 759: 1, 760: 1, 761: 4, 765: 4 }],
  [9, { 758: 1, 759: 1, 760: 1, 761: 4, 765: 4 }],
];

test('version negotiation: requested × protocol, as Velocity does for a player without a key', () => {
  for (const [requested, byProtocol] of TABLE) {
    for (const [protocol, expected] of Object.entries(byProtocol)) {
      assert.equal(chooseVelocityVersion(requested, Number(protocol)), expected, `requested ${requested}, protocol ${protocol}`);
    }
  }
});

test('answerVelocityRequest negotiates from the request data', () => {
  const v4 = answerVelocityRequest(Buffer.from([4]), 769, { address: '::1', profile: PROFILE, secret: SECRET });
  assert.equal(new PacketReader(v4, 32).varInt(), 4);
  const v1 = answerVelocityRequest(Buffer.alloc(0), 769, { address: '::1', profile: PROFILE, secret: SECRET });
  assert.equal(new PacketReader(v1, 32).varInt(), 1);
});
