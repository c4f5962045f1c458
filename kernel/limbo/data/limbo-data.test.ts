// The committed limbo blob and index match what generate.ts makes from the installed
// minecraft-data, and the packets read back with minecraft-protocol's own parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { brotliDecompressSync } from 'node:zlib';
import { BLOB_PATH, INDEX_PATH, generate } from './generate.ts';
import { limboSequence } from './index.ts';
import { kernelIds } from '../../protocol/ids/index.ts';
import { readVarInt } from '../../protocol/varint.ts';

const require = createRequire(import.meta.url);

test('limbo-packets.generated.ts and .bin.br are what generate.ts makes (run npm run gen:limbo)', () => {
  const { source, blob } = generate();
  assert.equal(readFileSync(INDEX_PATH, 'utf8'), source);
  assert.ok(brotliDecompressSync(readFileSync(BLOB_PATH)).equals(blob));
});

function parse(version: string, state: string, packet: Buffer): { name: string; params: any } {
  const deserializer = require('minecraft-protocol').createDeserializer({ state, isServer: false, version });
  return deserializer.parsePacketBuffer(packet).data;
}

test('every release 1.7.2 → 26.1 has a sequence; configuration only from 1.20.2', () => {
  for (const protocol of [4, 5, 47, 107, 340, 404, 498, 578, 754, 758, 763, 764, 765, 766, 769, 772, 774, 775]) {
    const s = limboSequence(protocol);
    assert.ok(s, `protocol ${protocol}`);
    assert.equal(s.configuration.length > 0, protocol >= 764, `protocol ${protocol}`);
    assert.equal(s.play.length, protocol >= 765 ? 5 : 4);
  }
  assert.equal(limboSequence(3), undefined);
  assert.equal(limboSequence(776), undefined);
  assert.equal(limboSequence(4), limboSequence(5));
});

test('registryData names where the registry data came from; the copied versions are listed', () => {
  assert.equal(limboSequence(47)!.registryData, null);
  assert.equal(limboSequence(754)!.registryData, '1.16.2');
  assert.equal(limboSequence(774)!.registryData, '1.21.11');
  for (const protocol of [769, 770, 771, 772]) assert.equal(limboSequence(protocol)!.registryData, '1.21.3', String(protocol));
  assert.equal(limboSequence(773)!.registryData, '1.21.9');
  assert.deepEqual(limboSequence(773)!.configuration, limboSequence(767)!.configuration); // 1.21.9's data is 1.21.1's
});

test('keepalive layouts: i32 on 1.7, VarInt 1.8–1.12.1, i64 from 1.12.2', () => {
  assert.equal(limboSequence(5)!.keepAlive, 'i32');
  assert.equal(limboSequence(47)!.keepAlive, 'varint');
  assert.equal(limboSequence(338)!.keepAlive, 'varint');
  assert.equal(limboSequence(340)!.keepAlive, 'i64');
  assert.equal(limboSequence(775)!.keepAlive, 'i64');
});

test('the join packet puts entity 1 in the End, per era', () => {
  assert.deepEqual(pick(parse('1.8.8', 'play', limboSequence(47)!.play[0]).params, ['entityId', 'dimension']), { entityId: 1, dimension: 1 });
  assert.equal(parse('1.16.1', 'play', limboSequence(736)!.play[0]).params.worldName, 'minecraft:the_end');
  const v1165 = parse('1.16.5', 'play', limboSequence(754)!.play[0]).params;
  assert.equal(v1165.dimension.value.ultrawarm.value, 0);
  assert.equal(v1165.dimension.value.has_skylight.value, 0);
  assert.equal(parse('1.20.1', 'play', limboSequence(763)!.play[0]).params.worldType, 'minecraft:the_end');
  const v1214 = parse('1.21.4', 'play', limboSequence(769)!.play[0]).params;
  assert.equal(v1214.worldState.name, 'minecraft:the_end');
  assert.equal(v1214.entityId, 1);
});

test('1.20.3+: the last play packet is the start-waiting-for-chunks game event; 1.20.5+: one registry_data per registry', () => {
  for (const [version, protocol] of [['1.20.4', 765], ['1.21.4', 769], ['26.1', 775]] as const) {
    const last = parse(version, 'play', limboSequence(protocol)!.play.at(-1)!);
    assert.equal(last.name, 'game_state_change', version);
    assert.equal(last.params.reason, 'level_chunks_load_start', version);
  }
  const config = limboSequence(769)!.configuration.map((p) => parse('1.21.4', 'configuration', p));
  assert.equal(config.at(-1)!.name, 'finish_configuration');
  assert.ok(config.slice(0, -1).every((p) => p.name === 'registry_data'));
  assert.ok(config.some((p) => p.params.id === 'minecraft:dimension_type'));
  assert.equal(readVarInt(limboSequence(769)!.configuration.at(-1)!, 0)!.value, kernelIds(769).config.cb.finishConfiguration);
});

test('position: y = 400 (above the End) from 1.9, 64 before', () => {
  assert.equal(parse('1.8.8', 'play', limboSequence(47)!.play[2]).params.y, 64);
  assert.equal(parse('1.12.2', 'play', limboSequence(340)!.play[2]).params.y, 400);
  assert.equal(parse('1.21.4', 'play', limboSequence(769)!.play[2]).params.y, 400);
});

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, o[k]]));
}
