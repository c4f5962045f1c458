import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelIds } from '../../protocol/ids/index.ts';
import { oracleDecode, oracleEncode, skipWithoutOracle } from '../../protocol/packets/oracle.test-helper.ts';
import type { HookResult } from '../packet-hooks.ts';
import { fakeChannel, hookWorld } from './fake-channel.test-helper.ts';
import { infrarustCommand } from './index.ts';

type Node = { children: number[]; extraNodeData?: { name?: string } };
const flags = (type: number) => ({ unused: 0, allows_restricted: 0, has_custom_suggestions: 0, has_redirect_node: 0, has_command: 1, command_node_type: type });
const tree = { nodes: [{ flags: { ...flags(0), has_command: 0 }, children: [1] }, { flags: flags(1), children: [], extraNodeData: { name: 'list' } }], rootIndex: 0 };

function rootNames(version: string, packet: Buffer): string[] {
  const { nodes } = oracleDecode(version, 'play', false, packet) as { nodes: Node[] };
  return nodes[0].children.map((i) => nodes[i].extraNodeData!.name!);
}

test('the hook asks for declare_commands from 1.13 only', () => {
  const { tree: hook } = hookWorld();
  assert.deepEqual(hook.ids(765, 'play', 'clientbound'), [kernelIds(765).play.cb.declareCommands]);
  assert.deepEqual(hook.ids(340, 'play', 'clientbound'), []);
  assert.deepEqual(hook.ids(765, 'play', 'serverbound'), []);
});

test('the player sees the proxy commands they may run, aliases included', { skip: skipWithoutOracle }, async () => {
  for (const [version, protocol] of [['1.13.2', 404], ['1.20.4', 765], ['26.1', 775]] as const) {
    const { tree: hook, commands } = hookWorld({ player_commands: ['version', 'hub.use'] });
    commands.add('infrarust', ['infrarust', 'ir'], infrarustCommand({} as never));
    commands.add('hub', ['hub', 'lobby'], { name: 'hub', aliases: ['lobby'], players: true, permission: 'hub.use', execute: () => undefined });
    commands.add('admin', ['vanish'], { name: 'vanish', players: true, permission: 'admin.vanish', execute: () => undefined });
    commands.add('console', ['stop'], { name: 'stop', execute: () => undefined });
    const packet = oracleEncode(version, 'play', true, 'declare_commands', tree);
    const out = (await (hook.handle(fakeChannel(protocol).channel, 'play', 'clientbound', packet) as HookResult | Promise<HookResult>)) as Buffer;
    assert.deepEqual(rootNames(version, out), ['list', 'hub', 'infrarust', 'ir', 'lobby'], version);
  }
});

test('without player commands, or with announce_proxy_commands off, the packet passes untouched', { skip: skipWithoutOracle }, () => {
  const packet = oracleEncode('1.20.4', 'play', true, 'declare_commands', tree);
  const { tree: hook, commands } = hookWorld();
  commands.add('console', ['stop'], { name: 'stop', execute: () => undefined });
  assert.equal(hook.handle(fakeChannel(765).channel, 'play', 'clientbound', packet), undefined);
  const quiet = hookWorld({ admins: ['Steve'] }, false);
  quiet.commands.add('infrarust', ['infrarust', 'ir'], infrarustCommand({} as never));
  assert.equal(quiet.tree.handle(fakeChannel(765).channel, 'play', 'clientbound', packet), undefined);
});
