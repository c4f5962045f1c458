// What a backend leaves in the client, per era (leftovers/ and client-leftovers.ts): the packets a
// backend sends are built by minecraft-protocol's serializer for that version, fed to the hook, and
// the removals `clear()` returns are read back with its deserializer, so both directions follow
// minecraft-data's layouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClientLeftovers, clearBeforeReconfiguration } from '../client-leftovers.ts';
import { mc, oracleEncode, skipWithoutOracle } from '../../protocol/packets/oracle.test-helper.ts';
import { kernelIds } from '../../protocol/ids/index.ts';
import { packetOf } from '../../protocol/packets/protocol-versions.ts';
import { MAX_TAB_ENTRIES } from './tab-list.ts';
import { MAX_OBJECTIVES } from './scoreboard.ts';

const U1 = '11111111-2222-3333-4444-555555555555';
const U2 = '66666666-7777-8888-9999-000000000000';
const BAR = '5a0e2d6c-9a4b-4c1e-8f00-00000000b055';

interface Era { version: string; protocol: number }
const ERAS: Era[] = [
  { version: '1.7.10', protocol: 5 },
  { version: '1.8.8', protocol: 47 },
  { version: '1.12.2', protocol: 340 },
  { version: '1.16.5', protocol: 754 },
  { version: '1.19', protocol: 759 },
  { version: '1.20.1', protocol: 763 },
];

const teamPacket = (p: number): string => (p < 107 ? 'scoreboard_team' : 'teams');

function tabAdd(e: Era, uuids: string[]): { name: string; params: Record<string, unknown> }[] {
  if (e.protocol < 47) return uuids.map((u) => ({ name: 'player_info', params: { playerName: `P${u.slice(0, 4)}`, online: true, ping: 3 } }));
  if (e.protocol >= 761) {
    const chatSession = { uuid: U2, publicKey: { expireTime: 1n, keyBytes: Buffer.alloc(4), keySignature: Buffer.alloc(3) } };
    const data = uuids.map((uuid) => ({ uuid, player: { name: 'Extra', properties: [{ name: 'textures', value: 'x', signature: 'y' }] }, chatSession, gamemode: 1, listed: 1, latency: 5, displayName: '{"text":"E"}' }));
    return [{ name: 'player_info', params: { action: { add_player: true, initialize_chat: true, update_game_mode: true, update_listed: true, update_latency: true, update_display_name: true }, data } }];
  }
  const crypto = e.protocol >= 759 ? { crypto: { timestamp: 1n, publicKey: Buffer.alloc(4), signature: Buffer.alloc(2) } } : {};
  const data = uuids.map((UUID) => ({ uuid: UUID, UUID, name: 'Extra', properties: [{ name: 'textures', value: 'x', signature: 'y' }], gamemode: 0, ping: 1, displayName: '{"text":"E"}', ...crypto }));
  return [{ name: 'player_info', params: { action: 'add_player', data } }];
}

function tabRemove(e: Era, uuid: string): { name: string; params: Record<string, unknown> } {
  if (e.protocol < 47) return { name: 'player_info', params: { playerName: `P${uuid.slice(0, 4)}`, online: false, ping: 0 } };
  if (e.protocol >= 761) return { name: 'player_remove', params: { players: [uuid] } };
  return { name: 'player_info', params: { action: 'remove_player', data: [{ uuid, UUID: uuid }] } };
}

function objective(e: Era, name: string, action: number): { name: string; params: Record<string, unknown> } {
  const text = e.protocol >= 393 ? '{"text":"Lobby"}' : 'Lobby';
  const type = e.protocol >= 393 ? 0 : 'integer';
  return { name: 'scoreboard_objective', params: action === 1 ? { name, action, displayText: '' } : { name, action, displayText: text, type } };
}

function team(e: Era, name: string): { name: string; params: Record<string, unknown> } {
  const json = e.protocol >= 393;
  return {
    name: teamPacket(e.protocol),
    params: { team: name, mode: 0, name: json ? '{"text":"T"}' : 'T', prefix: json ? '{"text":""}' : '', suffix: json ? '{"text":""}' : '', friendlyFire: 0, nameTagVisibility: 'always', collisionRule: 'always', color: 0, formatting: 0, players: ['Extra'] },
  };
}

function feed(leftovers: ClientLeftovers, e: Era, packets: { name: string; params: Record<string, unknown> }[]): void {
  for (const p of packets) {
    const buf = oracleEncode(e.version, 'play', true, p.name, p.params);
    const id = buf[0] < 0x80 ? buf[0] : -1;
    assert.ok(leftovers.hook.ids(e.protocol, 'play', 'clientbound').includes(id), `${p.name} is one the hook reads`);
    assert.equal(leftovers.hook.handle(undefined as never, 'play', 'clientbound', buf), undefined, 'passed on unchanged');
  }
}

function decodeAll(e: Era, packets: Buffer[]): { name: string; params: Record<string, unknown> }[] {
  const d = mc!.createDeserializer({ state: 'play', isServer: false, version: e.version });
  return packets.map((b) => d.parsePacketBuffer(b).data);
}

/** The keys each removal packet names: `kind:key`. */
function removed(e: Era, packets: Buffer[]): string[] {
  const out: string[] = [];
  for (const { name, params } of decodeAll(e, packets)) {
    if (name === 'scoreboard_objective') out.push(`objective:${params.name}:${params.action}`);
    else if (name === 'teams' || name === 'scoreboard_team') out.push(`team:${params.team}:${params.mode}`);
    else if (name === 'boss_bar') out.push(`bar:${params.entityUUID}:${params.action}`);
    else if (name === 'playerlist_header') out.push(`header:${params.header}:${params.footer}`);
    else if (name === 'player_remove') for (const u of params.players as string[]) out.push(`tab:${u}`);
    else if (name === 'player_info' && e.protocol < 47) out.push(`tab:${params.playerName}:${params.online}`);
    else if (name === 'player_info') {
      assert.equal(params.action, 'remove_player');
      for (const entry of params.data as { uuid?: string; UUID?: string }[]) out.push(`tab:${entry.uuid ?? entry.UUID}`);
    } else out.push(`other:${name}`);
  }
  return out.sort();
}

const tabKey = (e: Era, u: string): string => (e.protocol < 47 ? `tab:P${u.slice(0, 4)}:false` : `tab:${u}`);

for (const e of ERAS) {
  test(`${e.version}: tab entries, objectives, teams, header and bars are tracked and removed`, { skip: skipWithoutOracle }, () => {
    const leftovers = new ClientLeftovers(e.protocol);
    const packets = [...tabAdd(e, [U1, U2]), tabRemove(e, U2), objective(e, 'kills', 0), objective(e, 'gone', 0), objective(e, 'gone', 1), team(e, 'red')];
    if (e.protocol >= 47) packets.push({ name: 'playerlist_header', params: { header: '{"text":"Lobby"}', footer: '{"text":"!"}' } });
    if (e.protocol >= 107) packets.push({ name: 'boss_bar', params: { entityUUID: BAR, action: 0, title: '{"text":"b"}', health: 1, color: 0, dividers: 0, flags: 0 } });
    feed(leftovers, e, packets);
    const expected = [tabKey(e, U1), 'objective:kills:1', 'team:red:1'];
    if (e.protocol >= 47) expected.push('header:{"text":""}:{"text":""}');
    if (e.protocol >= 107) expected.push(`bar:${BAR}:1`);
    assert.deepEqual(removed(e, leftovers.clear()), expected.sort());
    assert.deepEqual(leftovers.clear(), [], 'a clear forgets what it removed');
  });

  test(`${e.version}: a backend's own Join Game forgets objectives and teams, not the tab list`, { skip: skipWithoutOracle }, () => {
    const leftovers = new ClientLeftovers(e.protocol);
    feed(leftovers, e, [...tabAdd(e, [U1]), objective(e, 'kills', 0), team(e, 'red')]);
    // Only the id of a Join Game matters to the hook.
    const joinGame = packetOf(kernelIds(e.protocol).play.cb.login, Buffer.alloc(0));
    leftovers.hook.handle(undefined as never, 'play', 'clientbound', joinGame);
    assert.deepEqual(removed(e, leftovers.clear()), [tabKey(e, U1)]);
  });

  test(`${e.version}: a packet that cannot be decoded passes and is not tracked`, { skip: skipWithoutOracle }, () => {
    const leftovers = new ClientLeftovers(e.protocol);
    for (const p of [...tabAdd(e, [U1]), objective(e, 'kills', 0), team(e, 'red')]) {
      const whole = oracleEncode(e.version, 'play', true, p.name, p.params);
      for (const cut of [whole.subarray(0, 2), whole.subarray(0, whole.length - 1)]) {
        assert.equal(leftovers.hook.handle(undefined as never, 'play', 'clientbound', cut), undefined);
      }
    }
    // An objective or team name that is still whole tracks even when the rest is cut: only name and mode are read.
    const left = removed(e, leftovers.clear());
    assert.ok(!left.some((k) => k.startsWith('tab:')), `no tab entry from a cut packet: ${left.join(', ')}`);
  });
}

test('bounds: at most 4096 tab entries and 256 objectives are tracked', { skip: skipWithoutOracle }, () => {
  const e = ERAS.find((x) => x.version === '1.12.2')!;
  const leftovers = new ClientLeftovers(e.protocol);
  const uuids = Array.from({ length: MAX_TAB_ENTRIES + 10 }, (_, i) => `00000000-0000-0000-0000-${i.toString(16).padStart(12, '0')}`);
  feed(leftovers, e, tabAdd(e, uuids));
  feed(leftovers, e, Array.from({ length: MAX_OBJECTIVES + 5 }, (_, i) => objective(e, `o${i}`, 0)));
  const keys = removed(e, leftovers.clear());
  assert.equal(keys.filter((k) => k.startsWith('tab:')).length, MAX_TAB_ENTRIES);
  assert.equal(keys.filter((k) => k.startsWith('objective:')).length, MAX_OBJECTIVES);
});

test('needed: every version with data before 1.20.2; 1.20.2+ clients drop it all in configuration', () => {
  assert.equal(ClientLeftovers.needed(5), true);
  assert.equal(ClientLeftovers.needed(47), true);
  assert.equal(ClientLeftovers.needed(763), true);
  assert.equal(ClientLeftovers.needed(764), false);
  assert.equal(ClientLeftovers.needed(769), false);
  assert.equal(ClientLeftovers.needed(3), false);
});

test('1.20.2+: only the title is cleared before Start Configuration (Clear Titles, reset)', { skip: skipWithoutOracle }, () => {
  assert.deepEqual(clearBeforeReconfiguration(763), []);
  for (const [version, protocol] of [['1.20.2', 764], ['1.21.4', 769]] as const) {
    const packets = clearBeforeReconfiguration(protocol);
    assert.equal(packets.length, 1);
    const parsed = decodeAll({ version, protocol }, packets)[0];
    assert.equal(parsed.name, 'clear_titles');
    assert.equal(parsed.params.reset, true);
  }
});
