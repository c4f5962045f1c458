import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GameProfile } from '../../../sdk/auth.ts';
import { decodeHandshake, encodeHandshake } from '../../protocol/packets/handshake.ts';
import { FrameSplitter } from '../../protocol/frame-splitter.ts';
import { forwardedAddress } from './address.ts';
import { bungeeCordAddress } from './bungeecord.ts';

const PROFILE: GameProfile = {
  uuid: '069a79f4-44e9-4726-a5be-fca90e38aaf5',
  name: 'Notch',
  properties: [
    { name: 'textures', value: 'dGV4dHVyZXM=', signature: 'c2ln' },
    { name: 'plain', value: 'p' },
  ],
};

test('host\\0ip\\0undashed uuid\\0properties JSON, signature only when present', () => {
  const address = bungeeCordAddress('mc.example.com', '203.0.113.7', PROFILE);
  const [host, ip, uuid, json, ...extra] = address.split('\0');
  assert.deepEqual([host, ip, uuid, extra], ['mc.example.com', '203.0.113.7', '069a79f444e94726a5befca90e38aaf5', []]);
  assert.equal(json, '[{"name":"textures","value":"dGV4dHVyZXM=","signature":"c2ln"},{"name":"plain","value":"p"}]');
});

test('no properties still writes the JSON part, as Velocity does', () => {
  assert.equal(
    bungeeCordAddress('a.example', '::1', { uuid: '069A79F444E94726A5BEFCA90E38AAF5', name: 'Notch', properties: [] }),
    ['a.example', '::1', '069a79f444e94726a5befca90e38aaf5', '[]'].join('\0'),
  );
});

test('BungeeGuard appends the bungeeguard-token property after the profile\'s', () => {
  const json = JSON.parse(bungeeCordAddress('mc.example.com', '203.0.113.7', PROFILE, 's3cret').split('\0')[3]!);
  assert.deepEqual(json, [
    { name: 'textures', value: 'dGV4dHVyZXM=', signature: 'c2ln' },
    { name: 'plain', value: 'p' },
    { name: 'bungeeguard-token', value: 's3cret' },
  ]);
});

test('a long forwarded address is encoded whole (beyond the 255 chars vanilla reads)', () => {
  const skin: GameProfile = { ...PROFILE, properties: [{ name: 'textures', value: 'x'.repeat(1200), signature: 'y'.repeat(684) }] };
  const address = bungeeCordAddress('mc.example.com', '203.0.113.7', skin, 'token');
  assert.ok(address.length > 1900);
  const s = new FrameSplitter();
  s.push(encodeHandshake({ protocolVersion: 765, address, port: 25565, nextState: 2 }));
  assert.equal(decodeHandshake(s.next()!, 32767).address, address);
});

test('forwardedAddress unmaps IPv4-mapped IPv6 and drops zones', () => {
  assert.equal(forwardedAddress('::ffff:203.0.113.7'), '203.0.113.7');
  assert.equal(forwardedAddress('::FFFF:10.0.0.1'), '10.0.0.1');
  assert.equal(forwardedAddress('fe80::1%eth0'), 'fe80::1');
  assert.equal(forwardedAddress('2001:db8::1'), '2001:db8::1');
  assert.equal(forwardedAddress('127.0.0.1'), '127.0.0.1');
});
