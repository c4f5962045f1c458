// Heap snapshot summary for bench/limbo.ts --heap-diff: self sizes and counts by node type and
// name (an object's constructor, a closure's function name; strings, numbers and code lumped per
// type), and the difference between two snapshots divided by the players added in between.
import fs from 'node:fs';

export interface HeapGroup {
  count: number;
  bytes: number;
}

const LUMPED = new Set(['string', 'concatenated string', 'sliced string', 'number', 'heap number', 'code', 'symbol', 'bigint']);

/** Self size and count per "type name" of a .heapsnapshot file. */
export function summarizeSnapshot(file: string): Map<string, HeapGroup> {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[] } };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const stride = fields.length;
  const iType = fields.indexOf('type');
  const iName = fields.indexOf('name');
  const iSize = fields.indexOf('self_size');
  const types = snap.snapshot.meta.node_types[0];
  const out = new Map<string, HeapGroup>();
  const nodes = snap.nodes;
  // An object's out-of-object property and element stores ("(object properties)", "(object
  // elements)") are named after the object that points at them, so they say whose they are.
  const iEdgeCount = fields.indexOf('edge_count');
  const edgeStride = snap.snapshot.meta.edge_fields.length;
  const iTo = snap.snapshot.meta.edge_fields.indexOf('to_node');
  const owner = new Map<number, number>();
  for (let i = 0, e = 0; i < nodes.length; i += stride) {
    const n = nodes[i + iEdgeCount]!;
    for (let k = 0; k < n; k++, e += edgeStride) {
      const to = snap.edges[e + iTo]!;
      const name = snap.strings[nodes[to + iName]!];
      if ((name === '(object properties)' || name === '(object elements)') && !owner.has(to)) owner.set(to, i);
    }
  }
  const label = (i: number): string => `${types[nodes[i + iType]!] ?? '?'} ${(snap.strings[nodes[i + iName]!] ?? '').slice(0, 60)}`;
  for (let i = 0; i < nodes.length; i += stride) {
    const type = types[nodes[i + iType]!] ?? '?';
    const o = owner.get(i);
    const key = LUMPED.has(type) ? `(${type})` : `${label(i)}${o !== undefined ? ` of ${label(o)}` : ''}`;
    const g = out.get(key);
    if (g) {
      g.count++;
      g.bytes += nodes[i + iSize]!;
    } else out.set(key, { count: 1, bytes: nodes[i + iSize]! });
  }
  return out;
}

export interface HeapDiffRow {
  key: string;
  /** objects added per player */
  countPerPlayer: number;
  /** self bytes added per player */
  bytesPerPlayer: number;
}

/** (after − before) / players, largest byte growth first. */
export function diffSnapshots(before: Map<string, HeapGroup>, after: Map<string, HeapGroup>, players: number, top = 25): { total: number; rows: HeapDiffRow[] } {
  const rows: HeapDiffRow[] = [];
  let total = 0;
  for (const [key, a] of after) {
    const b = before.get(key) ?? { count: 0, bytes: 0 };
    const bytes = a.bytes - b.bytes;
    total += bytes;
    rows.push({ key, countPerPlayer: (a.count - b.count) / players, bytesPerPlayer: bytes / players });
  }
  for (const [key, b] of before) if (!after.has(key)) total -= b.bytes;
  rows.sort((x, y) => y.bytesPerPlayer - x.bytesPerPlayer);
  return { total: total / players, rows: rows.slice(0, top) };
}
