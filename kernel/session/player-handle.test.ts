// The Player handle over a recording PlayerChannel; what it sent is decoded by minecraft-protocol.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mc, skipWithoutOracle } from '../protocol/packets/oracle.test-helper.ts';
import { decodedComponent } from '../protocol/text/component-oracle.test-helper.ts';
import type { PlayerChannel, StreamState } from './player-channel.ts';
import { createInterceptedPlayer, createPassthroughPlayer, PASSTHROUGH } from './player-handle.ts';
import { PlayerRegistry } from './player-registry.ts';

interface FakeChannel extends PlayerChannel {
  clientState: StreamState;
  closed: boolean;
  toClient: Buffer[];
  toServer: Buffer[];
  finalPacket: Buffer | undefined;
}

const PROFILE = { uuid: '069a79f4-44e9-4726-a5be-fca90e38aaf5', name: 'Notch', properties: [] };

function channel(protocol: number, clientState: StreamState = 'play'): FakeChannel {
  const c: FakeChannel = {
    connectionId: 3, protocol, profile: PROFILE, verified: true, remoteAddress: '203.0.113.9', serverId: 'lobby',
    clientState, serverState: clientState, closed: false, toClient: [], toServer: [], finalPacket: undefined,
    sendToClient: (p) => void c.toClient.push(p),
    sendToServer: (p) => void c.toServer.push(p),
    close: (p) => {
      c.closed = true;
      c.finalPacket = p;
    },
  };
  return c;
}

function decode(version: string, state: string, packet: Buffer): { name: string; params: Record<string, any> } {
  return mc!.createDeserializer({ state, isServer: false, version }).parsePacketBuffer(packet).data as { name: string; params: Record<string, any> };
}

for (const [version, protocol] of [['1.8.8', 47], ['1.20.4', 765], ['26.1', 775]] as const) {
  test(`${version}: chat, title, action bar and kick reach the client as that version reads them`, { skip: skipWithoutOracle }, () => {
    const ch = channel(protocol);
    const p = createInterceptedPlayer(ch);
    assert.deepEqual([p.username, p.uuid, p.mode, p.protocolVersion, p.serverId, p.verified], ['Notch', PROFILE.uuid, 'intercepted', protocol, 'lobby', true]);
    assert.deepEqual(p.sendMessage('§aHello'), { ok: true });
    assert.deepEqual(p.sendTitle('Big', 'small', { fadeIn: 1, stay: 2, fadeOut: 3 }), { ok: true });
    assert.deepEqual(p.sendActionBar({ text: 'bar' }), { ok: true });
    const got = ch.toClient.map((b) => decode(version, 'play', b));
    const message = got[0].name === 'chat' ? got[0].params.message : got[0].params.content;
    assert.deepEqual(decodedComponent(message), { text: 'Hello', color: 'green' });
    assert.equal(got.length, 5, 'message, 3 title packets, action bar');
    assert.deepEqual(decodedComponent(got[4].params.text ?? got[4].params.message), { text: 'bar' });
    assert.deepEqual(p.kick('§cBye'), { ok: true });
    const kick = decode(version, 'play', ch.finalPacket!);
    assert.equal(kick.name, 'kick_disconnect');
    assert.deepEqual(decodedComponent(kick.params.reason), { text: 'Bye', color: 'red' });
    assert.equal(p.sendMessage('late').ok, false);
    assert.deepEqual(p.kick('again'), { ok: false, code: 'closed', message: 'the player has left' });
  });
}

test('boss bar: shown, updated and hidden with one UUID; none before 1.9', { skip: skipWithoutOracle }, () => {
  const ch = channel(769);
  const bar = createInterceptedPlayer(ch).showBossBar({ title: 'Boss', progress: 0.5, color: 'red' });
  assert.ok('update' in bar);
  assert.deepEqual(bar.update({ progress: 0.75, overlay: 'notched_6' }), { ok: true });
  assert.deepEqual(bar.hide(), { ok: true });
  assert.equal(bar.hide().ok, false, 'hidden once');
  const got = ch.toClient.map((b) => decode('1.21.4', 'play', b).params);
  assert.deepEqual(got.map((x) => x.action), [0, 2, 4, 1]);
  assert.equal(new Set(got.map((x) => x.entityUUID)).size, 1);
  assert.deepEqual([got[0].health, got[0].color, got[1].health, got[2].color, got[2].dividers], [0.5, 2, 0.75, 2, 1]);
  const old = createInterceptedPlayer(channel(47)).showBossBar({ title: 'x' });
  assert.equal('code' in old && old.code, 'unsupported');
});

test('configuration state: only a kick (the configuration disconnect); login state: the login disconnect', { skip: skipWithoutOracle }, () => {
  const ch = channel(769, 'configuration');
  const p = createInterceptedPlayer(ch);
  const r = p.sendMessage('hi');
  assert.equal(!r.ok && r.code, 'unsupported');
  assert.match(!r.ok ? r.message : '', /needs the play state; the client is in configuration/);
  assert.equal(ch.toClient.length, 0);
  p.kick('bye');
  const d = decode('1.21.4', 'configuration', ch.finalPacket!);
  assert.equal(d.name, 'disconnect');
  assert.deepEqual(decodedComponent(d.params.reason), { text: 'bye' });
  const login = channel(769, 'login');
  createInterceptedPlayer(login).kick('no');
  assert.deepEqual(JSON.parse(decode('1.21.4', 'login', login.finalPacket!).params.reason), { text: 'no' });
});

test('1.7 has no titles or action bar: unsupported, nothing sent', () => {
  const ch = channel(5);
  const p = createInterceptedPlayer(ch);
  assert.equal((p.sendTitle('x') as { code?: string }).code, 'unsupported');
  assert.equal((p.sendActionBar('x') as { code?: string }).code, 'unsupported');
  assert.deepEqual(p.sendMessage('x'), { ok: true });
  assert.equal(ch.toClient.length, 1);
});

test('sendPacket frames id + data to either side; a bad id throws', () => {
  const ch = channel(769);
  const p = createInterceptedPlayer(ch);
  p.sendPacket(0x6c, Buffer.from([1, 2]));
  p.sendPacket(300, Buffer.from([9]), 'serverbound');
  assert.deepEqual(ch.toClient, [Buffer.from([0x6c, 1, 2])]);
  assert.deepEqual(ch.toServer, [Buffer.from([0xac, 0x02, 9])]);
  assert.throws(() => p.sendPacket(-1, Buffer.alloc(0)), /IR_ERR_PROTO_FIELD_INVALID|not a non-negative/);
});

test('passthrough players answer "passthrough" to every send; a kick closes the socket', () => {
  const socket = { destroyed: false, destroy() { socket.destroyed = true; return this as never; } };
  const p = createPassthroughPlayer({ id: 9, remoteAddress: '198.51.100.1', username: 'Alex', uuid: undefined, serverId: 'survival', socket,
    handshake: { protocolVersion: 47, rawAddress: 'a', host: 'a', port: 25565, intent: 'login' } });
  assert.deepEqual([p.mode, p.username, p.protocolVersion, p.serverId], ['passthrough', 'Alex', 47, 'survival']);
  for (const r of [p.sendMessage('x'), p.sendTitle('x'), p.sendActionBar('x'), p.showBossBar({ title: 'x' }), p.sendPacket(1, Buffer.alloc(0))]) assert.deepEqual(r, PASSTHROUGH);
  assert.match(PASSTHROUGH.message, /not available in passthrough.*client_only or offline/);
  assert.deepEqual(p.kick('bye'), { ok: true });
  assert.equal(socket.destroyed, true);
  assert.equal((p.sendMessage('x') as { code?: string }).code, 'closed');
});

test('registry: by connection id, name (any case) or UUID (dashed or not); remove keeps a newer player', () => {
  const r = new PlayerRegistry();
  const notch = createInterceptedPlayer(channel(769));
  r.add(notch);
  assert.equal(r.get(3), notch);
  assert.equal(r.find('nOtCh'), notch);
  assert.equal(r.find('069A79F444E94726A5BEFCA90E38AAF5'), notch);
  assert.equal(r.find(3), notch);
  assert.equal(r.find('nobody'), undefined);
  const newer = createInterceptedPlayer(channel(769));
  r.add(newer);
  r.remove(3, notch);
  assert.equal(r.get(3), newer, 'a stale remove does not drop the newer player');
  r.remove(3);
  assert.deepEqual(r.all(), []);
});
