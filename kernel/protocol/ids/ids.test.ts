// The committed tables match minecraft-data, and spot checks read minecraft-data directly (by data
// folder, not through generate.ts) so a bug in the generator cannot hide behind its own output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { GENERATED_PATH, generateSource } from './generate.ts';
import { brigadierStringParser, dataProtocol, kernelIds, packetId, packetName, type Direction, type ProtocolState } from './index.ts';

const dataDir = join(dirname(createRequire(import.meta.url).resolve('minecraft-data/package.json')), 'minecraft-data', 'data', 'pc');

/** minecraft-data's id of `name` in folder `folder`, or -1. */
function mdId(folder: string, state: ProtocolState, direction: Direction, name: string): number {
  const json = JSON.parse(readFileSync(join(dataDir, folder, 'protocol.json'), 'utf8'));
  const section = json[state]?.[direction === 'clientbound' ? 'toClient' : 'toServer'];
  if (!section) return -1;
  const mappings: Record<string, string> = section.types.packet[1][0].type[1].mappings;
  const entry = Object.entries(mappings).find(([, n]) => n === name);
  return entry ? parseInt(entry[0], 16) : -1;
}

test('packet-ids.generated.ts is what generate.ts makes from the installed minecraft-data (run npm run gen:protocol)', () => {
  assert.equal(readFileSync(GENERATED_PATH, 'utf8'), generateSource());
});

test('system_chat in play clientbound: 1.19, 1.20.4, 1.21.4, 26.1', () => {
  for (const [protocol, folder, expected] of [[759, '1.19', 0x5f], [765, '1.20.3', 0x69], [769, '1.21.4', 0x73], [775, '26.1', 0x79]] as const) {
    assert.equal(packetId(protocol, 'play', 'clientbound', 'system_chat'), mdId(folder, 'play', 'clientbound', 'system_chat'), folder);
    assert.equal(packetId(protocol, 'play', 'clientbound', 'system_chat'), expected, folder);
    assert.equal(kernelIds(protocol).play.cb.systemChat, expected, folder);
  }
});

test('legacy chat: 1.8 and 1.12.2, both directions; gone from 1.19', () => {
  assert.equal(packetId(47, 'play', 'clientbound', 'chat'), 0x02);
  assert.equal(packetId(47, 'play', 'serverbound', 'chat'), 0x01);
  assert.equal(packetId(340, 'play', 'clientbound', 'chat'), mdId('1.12.2', 'play', 'clientbound', 'chat'));
  assert.equal(packetId(340, 'play', 'clientbound', 'chat'), 0x0f);
  assert.equal(kernelIds(340).play.sb.chatMessage, 0x02);
  assert.equal(kernelIds(759).play.cb.chat, -1);
  assert.equal(kernelIds(759).play.sb.chatMessage, mdId('1.19', 'play', 'serverbound', 'chat_message'));
  assert.equal(packetName(47, 'play', 'clientbound', 0x02), 'chat');
  assert.equal(packetName(47, 'play', 'clientbound', 9999), undefined);
});

test('finish_configuration both ways for 1.20.2 (764) and 1.21 (767); no configuration state before', () => {
  for (const [protocol, folder] of [[764, '1.20.2'], [767, '1.21.1']] as const) {
    for (const direction of ['clientbound', 'serverbound'] as const) {
      const id = packetId(protocol, 'configuration', direction, 'finish_configuration');
      assert.equal(id, mdId(folder, 'configuration', direction, 'finish_configuration'), `${folder} ${direction}`);
    }
  }
  assert.equal(kernelIds(764).config.cb.finishConfiguration, 0x02);
  assert.equal(kernelIds(767).config.cb.finishConfiguration, 0x03);
  assert.equal(kernelIds(767).config.sb.finishConfiguration, 0x03);
  assert.equal(packetId(763, 'configuration', 'clientbound', 'finish_configuration'), -1);
  assert.equal(kernelIds(763).play.cb.startConfiguration, -1);
  assert.equal(kernelIds(764).play.sb.configurationAcknowledged, mdId('1.20.2', 'play', 'serverbound', 'configuration_acknowledged'));
});

test('login ids: constant where present, extended by compress, plugin messages, acknowledgement, cookies', () => {
  const seven = kernelIds(5).login;
  assert.deepEqual([seven.cb.disconnect, seven.cb.encryptionBegin, seven.cb.success, seven.cb.compress], [0, 1, 2, -1]);
  assert.equal(kernelIds(47).login.cb.compress, 3);
  assert.equal(kernelIds(340).login.cb.loginPluginRequest, -1);
  assert.equal(kernelIds(393).login.cb.loginPluginRequest, 4);
  assert.equal(kernelIds(393).login.sb.loginPluginResponse, 2);
  assert.equal(kernelIds(763).login.sb.loginAcknowledged, -1);
  assert.equal(kernelIds(764).login.sb.loginAcknowledged, 3);
  assert.equal(kernelIds(765).login.cb.cookieRequest, -1);
  assert.equal(kernelIds(766).login.cb.cookieRequest, 5);
  assert.equal(kernelIds(775).login.sb.cookieResponse, mdId('26.1', 'login', 'serverbound', 'cookie_response'));
});

test('-1 for packets a version lacks; kernelIds of 1.7.10 has no compress; tables are frozen and cached', () => {
  assert.equal(packetId(47, 'play', 'clientbound', 'system_chat'), -1);
  assert.equal(packetId(769, 'play', 'clientbound', 'no_such_packet'), -1);
  assert.equal(packetId(769, 'play', 'clientbound', 'title'), -1);
  assert.equal(kernelIds(5).login.cb.compress, -1);
  assert.equal(kernelIds(5).play.cb.title, -1);
  assert.equal(kernelIds(47).play.cb.title, mdId('1.8', 'play', 'clientbound', 'title'));
  assert.ok(Object.isFrozen(kernelIds(769)) && Object.isFrozen(kernelIds(769).play.cb));
  assert.equal(kernelIds(4), kernelIds(5));
  assert.equal(kernelIds(3).play.cb.keepAlive, -1);
});

test('dataProtocol: own data, aliases, nearest lower, out of range', () => {
  assert.equal(dataProtocol(772), 772); // 1.21.7 and 1.21.8 share 772, with 1.21.8's data
  assert.equal(dataProtocol(4), 5); // 1.7.2: no data, same ids as 1.7.10
  assert.equal(dataProtocol(108), 107); // 1.9.1
  assert.equal(dataProtocol(485), 480); // 1.14.2
  assert.equal(dataProtocol(3), undefined);
  assert.equal(dataProtocol(776), undefined); // 26.2: listed by minecraft-data, no data
  assert.equal(packetId(485, 'play', 'clientbound', 'chat'), packetId(480, 'play', 'clientbound', 'chat'));
});

test('every release protocol 4..newest has data, and the packets every era has are found in each', () => {
  const versions: { minecraftVersion: string; version: number }[] = JSON.parse(readFileSync(join(dataDir, 'common', 'protocolVersions.json'), 'utf8'));
  const releases = versions.filter((v) => /^\d+\.\d+(\.\d+)?$/.test(v.minecraftVersion) && v.version >= 4 && v.version <= 775);
  for (const { minecraftVersion, version } of releases) {
    const ids = kernelIds(version);
    const always = [ids.login.cb.disconnect, ids.login.cb.success, ids.login.sb.loginStart, ids.play.cb.login, ids.play.cb.keepAlive,
      ids.play.cb.kickDisconnect, ids.play.cb.customPayload, ids.play.cb.respawn, ids.play.cb.tabComplete, ids.play.sb.chatMessage,
      ids.play.sb.customPayload, ids.play.sb.keepAlive, ids.play.sb.tabComplete];
    assert.ok(always.every((id) => id >= 0), `${minecraftVersion} (${version})`);
    assert.ok((ids.play.cb.chat >= 0) !== (ids.play.cb.systemChat >= 0), `${minecraftVersion}: chat xor system_chat`);
    if (version >= 764) assert.ok(ids.config.cb.finishConfiguration >= 0 && ids.play.cb.startConfiguration >= 0, minecraftVersion);
  }
});

test('brigadierStringParser: identifier string 1.13–1.18.2, registry id 5 from 1.19', () => {
  assert.equal(brigadierStringParser(340), undefined);
  assert.equal(brigadierStringParser(393), 'brigadier:string');
  assert.equal(brigadierStringParser(758), 'brigadier:string');
  assert.equal(brigadierStringParser(759), 5);
  assert.equal(brigadierStringParser(769), 5);
  assert.equal(brigadierStringParser(775), 5);
  const json = readFileSync(join(dataDir, '1.21.4', 'protocol.json'), 'utf8');
  assert.ok(/"5":\s*"brigadier:string"/.test(json), 'minecraft-data 1.21.4 maps parser 5 to brigadier:string');
});
