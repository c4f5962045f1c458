// Generates packet-ids.generated.ts from minecraft-data (a devDependency, via minecraft-protocol), so
// the proxy ships a few kilobytes of id tables instead of minecraft-data's 433 MB.
//   node --import tsx kernel/protocol/ids/generate.ts     (npm run gen:protocol)
// Run it after updating minecraft-protocol / minecraft-data; ids.test.ts fails while the committed
// file differs from what this produces.
//
// Data is keyed by protocol number, never by version string: minecraft-data resolves an unknown
// version such as '1.21.7' to older data without complaint. We walk dataPaths.json's pc entries,
// keep release versions (x.y or x.y.z; snapshots, pre-releases and 0.30c are skipped), take each
// one's protocol number from common/protocolVersions.json (version.json of its data folder when the
// version is not listed there, as for '1.7' = 1.7.10), and read the protocol.json it points at.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const STATES = ['login', 'configuration', 'play'] as const;
export const DIRECTIONS = ['clientbound', 'serverbound'] as const;
const MC_DIRECTION = { clientbound: 'toClient', serverbound: 'toServer' } as const;
/** declare_commands encodes parsers by registry id from 1.19 (759); before, by identifier string. */
const NUMERIC_PARSERS_FROM = 759;
const COMMANDS_FROM = 393;

type Json = any; // minecraft-data's JSON, checked where it is read
/** id → packet name, dense from 0. */
type IdTable = string[];
interface ProtocolData {
  protocol: number;
  versions: string[];
  tables: Map<string, IdTable>; // key `${state}.${direction}`
  brigadierString: number | string | null;
}

function dataRoot(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('minecraft-data/package.json')), 'minecraft-data', 'data');
}

const readJson = (path: string): Json => JSON.parse(readFileSync(path, 'utf8'));
const isRelease = (version: string): boolean => /^\d+\.\d+(\.\d+)?$/.test(version);

/** The packet name mapper of one state and direction, as a dense id → name list. */
function idTable(section: Json, where: string): IdTable | undefined {
  if (section === undefined) return undefined;
  const fields: Json[] = section.types.packet[1];
  const nameField = fields.find((f) => f.name === 'name');
  if (nameField?.type?.[0] !== 'mapper') throw new Error(`${where}: no packet name mapper`);
  const table: IdTable = [];
  for (const [key, name] of Object.entries<string>(nameField.type[1].mappings)) {
    if (!/^0x[0-9a-f]+$/i.test(key)) throw new Error(`${where}: packet id ${key} is not hex`);
    table[parseInt(key, 16)] = name;
  }
  const holes = [...table.keys()].filter((id) => table[id] === undefined);
  if (holes.length > 0) throw new Error(`${where}: ids ${holes.join(', ')} have no packet`);
  if (new Set(table).size !== table.length) throw new Error(`${where}: a packet name appears twice`);
  return table;
}

/** Every mapper entry naming `value`, anywhere in the JSON tree: [key, ...]. */
function mapperKeysOf(node: Json, value: string, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    if (node[0] === 'mapper' && node[1]?.mappings) {
      for (const [k, v] of Object.entries(node[1].mappings)) if (v === value) out.push(k);
    }
    for (const child of node) mapperKeysOf(child, value, out);
  } else if (node !== null && typeof node === 'object') {
    for (const child of Object.values(node)) mapperKeysOf(child, value, out);
  }
  return out;
}

function brigadierString(protocol: number, json: Json, where: string): number | string | null {
  if (protocol < COMMANDS_FROM) return null;
  if (protocol < NUMERIC_PARSERS_FROM) {
    if (!JSON.stringify(json).includes('"brigadier:string"')) throw new Error(`${where}: no brigadier:string`);
    return 'brigadier:string';
  }
  const keys = [...new Set(mapperKeysOf(json, 'brigadier:string'))];
  if (keys.length !== 1 || !/^\d+$/.test(keys[0])) throw new Error(`${where}: brigadier:string parser ids ${keys}`);
  return Number(keys[0]);
}

function readProtocol(root: string, protocol: number, path: string): Omit<ProtocolData, 'versions'> {
  const json = readJson(join(root, path, 'protocol.json'));
  const tables = new Map<string, IdTable>();
  for (const state of STATES) {
    for (const direction of DIRECTIONS) {
      const table = idTable(json[state]?.[MC_DIRECTION[direction]], `${path} ${state} ${direction}`);
      if (table) tables.set(`${state}.${direction}`, table);
    }
  }
  return { protocol, tables, brigadierString: brigadierString(protocol, json, path) };
}

/** Release versions with their own protocol.json, merged by protocol number, ascending. */
export function collect(root = dataRoot()): ProtocolData[] {
  const paths: Record<string, { protocol?: string; version?: string }> = readJson(join(root, 'dataPaths.json')).pc;
  const listed = new Map<string, number>();
  for (const entry of readJson(join(root, 'pc', 'common', 'protocolVersions.json'))) {
    if (!listed.has(entry.minecraftVersion)) listed.set(entry.minecraftVersion, entry.version);
  }
  const byProtocol = new Map<number, ProtocolData>();
  for (const [version, p] of Object.entries(paths)) {
    if (!isRelease(version) || !p.protocol || !p.version) continue;
    const protocol = listed.get(version) ?? readJson(join(root, p.version, 'version.json')).version;
    if (!Number.isInteger(protocol) || protocol < 4) continue; // 0.30c and friends
    const data = readProtocol(root, protocol, p.protocol);
    const known = byProtocol.get(protocol);
    if (!known) byProtocol.set(protocol, { ...data, versions: [version] });
    else if (sameData(known, data)) known.versions.push(version);
    else throw new Error(`protocol ${protocol}: ${known.versions[0]} and ${version} disagree on packet ids`);
  }
  return [...byProtocol.values()].sort((a, b) => a.protocol - b.protocol);
}

function sameData(a: Omit<ProtocolData, 'versions'>, b: Omit<ProtocolData, 'versions'>): boolean {
  const flat = (d: Omit<ProtocolData, 'versions'>): string =>
    JSON.stringify([[...d.tables].sort(([x], [y]) => (x < y ? -1 : 1)), d.brigadierString]);
  return flat(a) === flat(b);
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** One state/direction: sorted names, unique tables as name indexes, per protocol a table index or -1. */
function section(data: ProtocolData[], key: string): { names: string[]; tables: number[][]; byProtocol: number[] } {
  const names = [...new Set(data.flatMap((d) => d.tables.get(key) ?? []))].sort(byCodePoint);
  const nameIndex = new Map(names.map((n, i) => [n, i]));
  const tables: number[][] = [];
  const seen = new Map<string, number>();
  const byProtocol = data.map((d) => {
    const table = d.tables.get(key);
    if (!table) return -1;
    const encoded = table.map((n) => nameIndex.get(n)!);
    const sig = encoded.join(',');
    if (!seen.has(sig)) seen.set(sig, tables.push(encoded) - 1);
    return seen.get(sig)!;
  });
  return { names, tables, byProtocol };
}

/** `items` joined by ', ' in lines under 110 columns, so a new packet name is a one-line diff. */
function wrap(items: string[], indent: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const item of items) {
    if (line && indent.length + line.length + item.length + 2 > 110) out.push(indent + line.trimEnd()), (line = '');
    line += item + ', ';
  }
  if (line) out.push(indent + line.trimEnd());
  return out;
}

/** The text of packet-ids.generated.ts. Deterministic: same minecraft-data, same bytes. */
export function generateSource(root = dataRoot()): string {
  const data = collect(root);
  const mdVersion = readJson(join(root, '..', '..', 'package.json')).version;
  const lines = [
    '// GENERATED FILE, do not edit. Source: minecraft-data ' + mdVersion + ' (pc release data, keyed by protocol).',
    '// Regenerate with `npm run gen:protocol` (node --import tsx kernel/protocol/ids/generate.ts).',
    '// Read through ./index.ts. Per state/direction: `names` (sorted), `tables` (unique id → name-index',
    '// lists, in order of first use) and `byProtocol` (index into `tables` per PROTOCOLS entry, -1: no such state).',
    '',
    'export interface IdSection {',
    '  readonly names: readonly string[];',
    '  readonly tables: readonly (readonly number[])[];',
    '  readonly byProtocol: readonly number[];',
    '}',
    '',
    '/** Protocol numbers with their own data, ascending, and the release versions each stands for. */',
    `export const PROTOCOLS: readonly number[] = ${JSON.stringify(data.map((d) => d.protocol))};`,
    'export const VERSIONS: readonly string[] = [',
    ...data.map((d) => `  ${JSON.stringify(d.versions.join(' '))}, // ${d.protocol}`),
    '];',
    '',
    '/** Per PROTOCOLS entry: the declare_commands parser id of brigadier:string (null before 1.13). */',
    `export const BRIGADIER_STRING: readonly (number | string | null)[] = ${JSON.stringify(data.map((d) => d.brigadierString))};`,
    '',
    'export const SECTIONS: Readonly<Record<string, IdSection>> = {',
  ];
  for (const state of STATES) {
    for (const direction of DIRECTIONS) {
      const key = `${state}.${direction}`;
      const s = section(data, key);
      lines.push(`  '${key}': {`, '    names: [', ...wrap(s.names.map((n) => JSON.stringify(n)), '      '), '    ],', '    tables: [');
      for (const t of s.tables) lines.push(`      ${JSON.stringify(t)},`);
      lines.push('    ],', `    byProtocol: ${JSON.stringify(s.byProtocol)},`, '  },');
    }
  }
  lines.push('};', '');
  return lines.join('\n');
}

export const GENERATED_PATH = fileURLToPath(new URL('./packet-ids.generated.ts', import.meta.url));

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const source = generateSource();
  writeFileSync(GENERATED_PATH, source);
  console.log(`wrote ${GENERATED_PATH} (${Buffer.byteLength(source)} bytes)`);
}
