// The clientbound packets the Player handle sends, decoded by minecraft-protocol (the oracle) for
// the versions the e2e tests use, plus the era edges (1.7, 1.10, 1.11, 1.19).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mc, skipWithoutOracle } from './oracle.test-helper.ts';
import { decodedComponent } from '../text/component-oracle.test-helper.ts';
import { componentJson } from '../text/component.ts';
import { encodeActionBar, encodeChatMessage } from './play-chat.ts';
import { encodeTitle } from './play-title.ts';
import { encodeBossBar } from './play-boss-bar.ts';
import { encodeDisconnect } from './disconnect.ts';

const VERSIONS: [string, number][] = [
  ['1.8.8', 47], ['1.12.2', 340], ['1.16.5', 754], ['1.20.1', 763], ['1.20.4', 765], ['1.21.4', 769], ['1.21.11', 774], ['26.1', 775],
];
const MSG = { text: 'Hi ', color: 'green', extra: [{ text: 'there', bold: true }] };

function decode(version: string, state: string, packet: Buffer): { name: string; params: Record<string, any> } {
  return mc!.createDeserializer({ state, isServer: false, version }).parsePacketBuffer(packet).data as { name: string; params: Record<string, any> };
}
const expected = (text: Parameters<typeof componentJson>[0], protocol: number) => JSON.parse(componentJson(text, protocol));

test('chat message: chat (position 1, nil sender from 1.16) up to 1.18.2, system_chat after', { skip: skipWithoutOracle }, () => {
  for (const [version, protocol] of [...VERSIONS, ['1.7', 5], ['1.19', 759]] as [string, number][]) {
    const { name, params } = decode(version, 'play', encodeChatMessage(protocol, MSG)!);
    if (protocol < 759) {
      assert.equal(name, 'chat', version);
      assert.deepEqual(decodedComponent(params.message), expected(MSG, protocol), version);
      if (protocol >= 47) assert.equal(params.position, 1, version);
      if (protocol >= 735) assert.equal(params.sender, '00000000-0000-0000-0000-000000000000', version);
    } else {
      assert.equal(name, 'system_chat', version);
      assert.deepEqual(decodedComponent(params.content), expected(MSG, protocol), version);
      if (protocol === 759) assert.equal(params.type, 1, version);
      else assert.equal(params.isActionBar, false, version);
    }
  }
});

test('action bar: none in 1.7, chat position 2 with § codes up to 1.10, title action 2 up to 1.16.5, action_bar after', { skip: skipWithoutOracle }, () => {
  assert.equal(encodeActionBar(5, 'x'), undefined);
  const old = decode('1.10.2', 'play', encodeActionBar(210, MSG)!);
  assert.equal(old.name, 'chat');
  assert.equal(old.params.position, 2);
  assert.deepEqual(JSON.parse(old.params.message), { text: '§aHi §lthere' });
  for (const [version, protocol] of [...VERSIONS.slice(1), ['1.11.2', 316]] as [string, number][]) {
    const { name, params } = decode(version, 'play', encodeActionBar(protocol, MSG)!);
    if (protocol < 755) {
      assert.equal(name, 'title', version);
      assert.equal(params.action, 2, version);
      assert.deepEqual(decodedComponent(params.text), expected(MSG, protocol), version);
    } else {
      assert.equal(name, 'action_bar', version);
      assert.deepEqual(decodedComponent(params.text), expected(MSG, protocol), version);
    }
  }
});

test('titles: times, subtitle, title in that order, with each era\'s action numbers', { skip: skipWithoutOracle }, () => {
  assert.equal(encodeTitle(5, { title: 'x' }), undefined);
  const times = { fadeIn: 5, stay: 40, fadeOut: 10 };
  for (const [version, protocol] of [...VERSIONS, ['1.10.2', 210]] as [string, number][]) {
    const packets = encodeTitle(protocol, { title: MSG, subtitle: '§7sub', times })!.map((p) => decode(version, 'play', p));
    if (protocol < 755) {
      const actions = protocol < 315 ? [2, 1, 0] : [3, 1, 0];
      assert.deepEqual(packets.map((p) => [p.name, p.params.action]), actions.map((a) => ['title', a]), version);
      assert.deepEqual([packets[0].params.fadeIn, packets[0].params.stay, packets[0].params.fadeOut], [5, 40, 10], version);
    } else {
      assert.deepEqual(packets.map((p) => p.name), ['set_title_time', 'set_title_subtitle', 'set_title_text'], version);
      assert.deepEqual([packets[0].params.fadeIn, packets[0].params.stay, packets[0].params.fadeOut], [5, 40, 10], version);
    }
    assert.deepEqual(decodedComponent(packets[1].params.text), expected('§7sub', protocol), version);
    assert.deepEqual(decodedComponent(packets[2].params.text), expected(MSG, protocol), version);
  }
  assert.equal(encodeTitle(769, { title: 'x' })!.length, 2, 'no times packet unless asked; an empty subtitle replaces a stale one');
});

test('boss bar: add, progress, title, style, remove (1.9+)', { skip: skipWithoutOracle }, () => {
  const uuid = '0f6f3b0c-2b1a-4c5d-9e8f-001122334455';
  assert.equal(encodeBossBar(47, uuid, { action: 'remove' }), undefined);
  for (const [version, protocol] of [...VERSIONS.slice(1), ['1.9.4', 110]] as [string, number][]) {
    const add = decode(version, 'play', encodeBossBar(protocol, uuid, { action: 'add', state: { title: MSG, progress: 0.25, color: 'red', overlay: 'notched_10' } })!);
    assert.equal(add.name, 'boss_bar');
    assert.equal(add.params.entityUUID, uuid);
    assert.equal(add.params.action, 0);
    assert.deepEqual(decodedComponent(add.params.title), expected(MSG, protocol), version);
    assert.deepEqual([add.params.health, add.params.color, add.params.dividers, add.params.flags], [0.25, 2, 2, 0], version);
    const progress = decode(version, 'play', encodeBossBar(protocol, uuid, { action: 'progress', progress: 7 })!);
    assert.deepEqual([progress.params.action, progress.params.health], [2, 1], `${version}: clamped to 1`);
    const title = decode(version, 'play', encodeBossBar(protocol, uuid, { action: 'title', title: 'new' })!);
    assert.deepEqual([title.params.action, decodedComponent(title.params.title)], [3, { text: 'new' }], version);
    const style = decode(version, 'play', encodeBossBar(protocol, uuid, { action: 'style', color: 'white', overlay: 'notched_20' })!);
    assert.deepEqual([style.params.action, style.params.color, style.params.dividers], [4, 6, 4], version);
    assert.equal(decode(version, 'play', encodeBossBar(protocol, uuid, { action: 'remove' })!).params.action, 1, version);
  }
});

test('disconnect: login JSON, configuration (1.20.2+) and play, JSON or NBT by era', { skip: skipWithoutOracle }, () => {
  for (const [version, protocol] of VERSIONS) {
    const play = decode(version, 'play', encodeDisconnect(protocol, 'play', MSG)!);
    assert.equal(play.name, 'kick_disconnect', version);
    assert.deepEqual(decodedComponent(play.params.reason), expected(MSG, protocol), version);
    const login = decode(version, 'login', encodeDisconnect(protocol, 'login', MSG)!);
    assert.equal(login.name, 'disconnect', version);
    assert.deepEqual(JSON.parse(login.params.reason), expected(MSG, protocol), version);
    const config = encodeDisconnect(protocol, 'configuration', MSG);
    if (protocol < 764) {
      assert.equal(config, undefined, version);
      continue;
    }
    const decoded = decode(version, 'configuration', config!);
    assert.equal(decoded.name, 'disconnect', version);
    assert.deepEqual(decodedComponent(decoded.params.reason), expected(MSG, protocol), version);
  }
  const c = decode('1.20.2', 'configuration', encodeDisconnect(764, 'configuration', 'bye')!);
  assert.equal(JSON.parse(c.params.reason).text, 'bye', '1.20.2 configuration is still JSON');
});
