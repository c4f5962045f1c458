import { test } from 'node:test';
import assert from 'node:assert/strict';
import { injectCommandNodes } from './commands-tree.ts';
import { oracleDecode, oracleEncode, skipWithoutOracle } from './oracle.test-helper.ts';

type Node = { flags: Record<string, number>; children: number[]; redirectNode?: number; extraNodeData?: Record<string, unknown> };

const flags = (type: number, executable: boolean, redirect = false) => ({
  unused: 0, allows_restricted: 0, has_custom_suggestions: 0, has_redirect_node: redirect ? 1 : 0, has_command: executable ? 1 : 0, command_node_type: type,
});

/** A small vanilla-like tree: /tp <target:int>, /teleport → redirect to /tp. */
function tree(): Node[] {
  return [
    { flags: flags(0, false), children: [1, 3] },
    { flags: flags(1, true), children: [2], extraNodeData: { name: 'tp' } },
    { flags: flags(2, true), children: [], extraNodeData: { name: 'target', parser: 'brigadier:integer', properties: { flags: { unused: 0, max_present: 0, min_present: 0 } } } },
    { flags: flags(1, false, true), children: [], redirectNode: 1, extraNodeData: { name: 'teleport' } },
  ];
}

const CASES = [['1.13.2', 'brigadier:string'], ['1.16.5', 'brigadier:string'], ['1.20.4', 5], ['1.21.4', 5], ['26.1', 5]] as const;

test('injected literals are root children, old nodes intact (oracle)', { skip: skipWithoutOracle }, () => {
  for (const [version, parser] of CASES) {
    const packet = oracleEncode(version, 'play', true, 'declare_commands', { nodes: tree(), rootIndex: 0 });
    const out = injectCommandNodes(packet, ['infrarust', 'ir'], parser);
    assert.ok(out !== undefined, version);
    const before = oracleDecode(version, 'play', false, packet) as { nodes: Node[] };
    const after = oracleDecode(version, 'play', false, out) as { nodes: Node[]; rootIndex: number };
    assert.equal(after.rootIndex, 0, version);
    assert.equal(after.nodes.length, 8, version);
    assert.deepEqual(after.nodes.slice(1, 4), before.nodes.slice(1, 4), version);
    assert.deepEqual(after.nodes[0].children, [1, 3, 4, 6], version);
    for (const [i, name] of [[4, 'infrarust'], [6, 'ir']] as const) {
      const literal = after.nodes[i];
      assert.equal(literal.flags.command_node_type, 1, version);
      assert.equal(literal.flags.has_command, 1, version);
      assert.equal(literal.extraNodeData?.name, name, version);
      assert.deepEqual(literal.children, [i + 1], version);
      const arg = after.nodes[i + 1];
      assert.equal(arg.flags.command_node_type, 2, version);
      assert.equal(arg.flags.has_command, 1, version);
      assert.equal(arg.extraNodeData?.parser, 'brigadier:string', version);
      assert.equal(String(arg.extraNodeData?.properties).toLowerCase(), 'greedy_phrase', version);
    }
  }
});

test('a root that is not node 0 passes unchanged', { skip: skipWithoutOracle }, () => {
  const nodes = tree();
  const moved = [nodes[1], nodes[2], nodes[3], nodes[0]].map((n) => ({ ...n, children: n.children.map((c) => ({ 1: 0, 2: 1, 3: 2, 0: 3 })[c]!), redirectNode: n.redirectNode === undefined ? undefined : 0 }));
  const packet = oracleEncode('1.20.4', 'play', true, 'declare_commands', { nodes: moved, rootIndex: 3 });
  assert.equal(injectCommandNodes(packet, ['ir'], 5), undefined);
});

test('no names: nothing to do; a non-root node 0: unchanged', () => {
  assert.equal(injectCommandNodes(Buffer.from([0x11, 0x01, 0x00, 0x00, 0x00]), [], 5), undefined);
  assert.equal(injectCommandNodes(Buffer.from([0x11, 0x01, 0x01, 0x00, 0x01, 0x61, 0x00]), ['ir'], 5), undefined);
});
