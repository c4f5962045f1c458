/**
 * Keeps docs/configuration.md in step with the zod schemas, which are the single source of truth
 * for the config keys. The test walks the global and server schemas with the builtin plugins'
 * sections composed in (as the proxy validates the files), collects every key
 * together with the TOML table it lives in, and checks the reference:
 *
 * - every key has a row `` | `key` | type | default | status | meaning | `` under the heading of
 *   its table (`[rate_limit]`, `[plugins.<id>.wasm]`, `[[addresses]]`, "Top-level keys"), inside
 *   the part of the document for its file (global `infrarust.toml` or `servers/*.toml`);
 * - the status cell says `active`, `partial` or `parsed only`;
 * - every documented row under a table heading is still a key the schema accepts (no stale docs).
 *
 * Path conventions: a `z.record` level is written `<id>`, the MOTD state level (the object whose
 * keys are exactly MOTD_STATES) `<state>`, and a table inside an array `[[table]]`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { HELP } from '../kernel/cli/args.ts';
import { defOf, type Schema } from '../kernel/config/zod-issues.ts';
import { embeddedDefaultConfig, MOTD_STATES, parseProxyConfig, proxyConfigSchema, serverConfigSchema } from '../kernel/config/index.ts';
import { builtinSections } from './helpers/builtin-sections.ts';

const BUILTIN = builtinSections();


const DOC_PATH = new URL('../docs/configuration.md', import.meta.url);

/** What a value schema accepts, seen from the TOML side. */
interface Forms {
  /** A plain value (string, number, boolean, enum, or a list of those). */
  scalar: boolean;
  /** Object schemas the value may be written as (a table or inline table). */
  tables: Schema[];
  /** Object schemas of the elements of a list of tables. */
  arrayTables: Schema[];
  /** Value schema of a `z.record` (a table keyed by a user-chosen id). */
  record?: Schema;
}

/**
 * Looks through wrappers to the schema that describes what the user writes. For pipes that is
 * the input side, except for `z.preprocess` (transform → schema) where the output side is the shape.
 */
function unwrap(schema: Schema): Schema {
  for (let s = schema, guard = 0; guard < 100; guard++) {
    const def = defOf(s);
    if (def.innerType !== undefined) s = def.innerType;
    else if (def.type === 'pipe') s = defOf(def.in!).type === 'transform' ? def.out! : def.in!;
    else return s;
  }
  throw new Error('schema nesting too deep');
}

function formsOf(schema: Schema): Forms {
  const s = unwrap(schema);
  const def = defOf(s);
  const forms: Forms = { scalar: false, tables: [], arrayTables: [] };
  switch (def.type) {
    case 'union':
      for (const option of def.options!) {
        const f = formsOf(option);
        forms.scalar ||= f.scalar;
        forms.tables.push(...f.tables);
        forms.arrayTables.push(...f.arrayTables);
        forms.record ??= f.record;
      }
      return forms;
    case 'object':
      forms.tables.push(s);
      return forms;
    case 'record':
      forms.record = def.valueType!;
      return forms;
    case 'array': {
      const element = formsOf(def.element!);
      forms.scalar = element.scalar;
      forms.arrayTables.push(...element.tables);
      if (element.arrayTables.length > 0 || element.record !== undefined) {
        throw new Error('lists of lists or of keyed tables are not handled: extend the walker');
      }
      return forms;
    }
    default:
      forms.scalar = true;
      return forms;
  }
}

/** One key: `table` is the TOML table path (`''` for the top level), `key` the key name. */
interface KeyRef {
  table: string;
  key: string;
}

const isMotdStates = (shape: Record<string, Schema>): boolean =>
  Object.keys(shape).length === MOTD_STATES.length && MOTD_STATES.every((s) => s in shape);

/** Collects every key of the tables `tables` at `path` (object schemas, merged for unions). */
function collectTable(tables: Schema[], path: string, out: KeyRef[], depth = 0): void {
  if (depth > 20) throw new Error(`schema nesting too deep at ${path}`);
  for (const table of tables) {
    const shape = defOf(table).shape!;
    if (isMotdStates(shape)) {
      // [motd.online], [motd.offline], ... share one entry schema: documented once as <state>.
      const entries = Object.values(shape).flatMap((v) => formsOf(v).tables);
      collectTable(entries.slice(0, 1), join(path, '<state>'), out, depth + 1);
      continue;
    }
    for (const [key, value] of Object.entries(shape)) collectKey(key, value, path, out, depth);
  }
}

function collectKey(key: string, value: Schema, path: string, out: KeyRef[], depth: number): void {
  const forms = formsOf(value);
  const here = join(path, key);
  if (forms.scalar) out.push({ table: path, key });
  if (forms.tables.length > 0) collectTable(forms.tables, here, out, depth + 1);
  if (forms.arrayTables.length > 0) collectTable(forms.arrayTables, `[${here}]`, out, depth + 1);
  if (forms.record !== undefined) {
    const inner = formsOf(forms.record);
    if (inner.scalar) out.push({ table: here, key: '<id>' });
    collectTable(inner.tables, join(here, '<id>'), out, depth + 1);
  }
}

/** Joins table paths; a `[x]` prefix (array of tables) keeps its brackets around the whole path. */
function join(path: string, key: string): string {
  if (path === '') return key;
  if (path.startsWith('[')) return `[${path.slice(1, -1)}.${key}]`;
  return `${path}.${key}`;
}

function collectKeys(schema: Schema): KeyRef[] {
  const out: KeyRef[] = [];
  collectTable(formsOf(schema).tables, '', out);
  assert.ok(out.length > 0, 'the walker found no keys: did the zod internals change?');
  // Options of a union share keys (every [server_manager] type has `type`): keep each once.
  const unique = new Map(out.map((k) => [`${k.table}\0${k.key}`, k]));
  return [...unique.values()];
}

/** The heading text a table is documented under: `[table]`, `[[table]]`, or "Top-level keys". */
function headingToken(table: string): string {
  return table === '' ? 'Top-level keys' : `\`[${table}]\``;
}

interface Section {
  heading: string;
  level: number;
  /** Lines up to the next heading of the same or a higher level (subsections included). */
  body: string[];
  /** Lines up to the next heading of any level (this table's own rows). */
  own: string[];
}

function sectionsOf(lines: string[]): Section[] {
  const out: Section[] = [];
  lines.forEach((line, i) => {
    const m = /^(#{2,6})\s+(.*)$/.exec(line);
    if (!m) return;
    const level = m[1]!.length;
    const rest = lines.slice(i + 1);
    const end = rest.findIndex((l) => /^#{1,6}\s/.test(l) && /^#+/.exec(l)![0].length <= level);
    const ownEnd = rest.findIndex((l) => /^#{1,6}\s/.test(l));
    out.push({ heading: m[2]!, level, body: end < 0 ? rest : rest.slice(0, end), own: ownEnd < 0 ? rest : rest.slice(0, ownEnd) });
  });
  return out;
}

/** The part of the document under an H2 heading that starts with `title`. */
function part(doc: string, title: string): string[] {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## ${title}`));
  assert.ok(start >= 0, `docs/configuration.md has no "## ${title}" heading`);
  const end = lines.findIndex((l, i) => i > start && /^##?\s/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

const ROW = /^\|\s*`([^`]+)`\s*\|(.*)$/;
const STATUSES = ['active', 'partial', 'parsed only'];

/** Splits a Markdown table row into trimmed cells, honouring `\|` escapes. */
function cells(rest: string): string[] {
  return rest.split(/(?<!\\)\|/).map((c) => c.trim()).slice(0, -1);
}

/** Problems with the documentation of one file's keys; an empty list means it is complete. */
function checkPart(label: string, lines: string[], keys: KeyRef[]): string[] {
  const problems: string[] = [];
  const sections = sectionsOf(['## (part)', ...lines]).filter((s) => s.level >= 3);
  const byTable = new Map<string, Section>();
  for (const table of new Set(keys.map((k) => k.table))) {
    const token = headingToken(table);
    const found = sections.filter((s) => s.heading.includes(token));
    if (found.length === 0) problems.push(`${label}: no heading for ${token}`);
    else if (found.length > 1) problems.push(`${label}: ${found.length} headings for ${token}`);
    else byTable.set(table, found[0]!);
  }
  for (const { table, key } of keys) {
    const section = byTable.get(table);
    if (!section) continue;
    const row = section.own.map((l) => ROW.exec(l)).find((m) => m?.[1] === key);
    const where = table === '' ? key : `${table}.${key}`;
    if (!row) {
      problems.push(`${label}: key "${where}" has no \`| \`${key}\` | ... |\` row under ${headingToken(table)}`);
      continue;
    }
    const c = cells(row[2]!);
    if (c.length < 4) problems.push(`${label}: row for "${where}" needs the columns type, default, status, meaning`);
    else if (!STATUSES.some((s) => c[2]!.replace(/\*/g, '').startsWith(s))) {
      problems.push(`${label}: row for "${where}" has status "${c[2]}"; expected one of ${STATUSES.join(', ')}`);
    }
  }
  // The other direction: a documented key that the schema no longer accepts is stale.
  const known = new Set(keys.map((k) => `${k.table}\0${k.key}`));
  for (const [table, section] of byTable) {
    for (const line of section.own) {
      const m = ROW.exec(line);
      if (m && !known.has(`${table}\0${m[1]}`)) problems.push(`${label}: ${headingToken(table)} documents \`${m[1]}\`, which the schema does not accept`);
    }
  }
  return problems;
}

/** The document with fenced code blocks blanked out, so `# comments` in examples are not headings. */
function withoutCode(text: string): string {
  let fenced = false;
  return text
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return '';
      }
      return fenced ? '' : line;
    })
    .join('\n');
}

const rawDoc = readFileSync(DOC_PATH, 'utf8');
const doc = withoutCode(rawDoc);
const globalKeys = collectKeys(proxyConfigSchema(BUILTIN.global));
const serverKeys = collectKeys(serverConfigSchema(BUILTIN.server));

test('the schema walker sees nested, optional, union and keyed tables', () => {
  const has = (keys: KeyRef[], table: string, key: string) => keys.some((k) => k.table === table && k.key === key);
  assert.ok(has(globalKeys, '', 'bind'));
  assert.ok(has(globalKeys, 'keepalive', 'interval'));
  assert.ok(has(globalKeys, 'default_motd.<state>', 'favicon'));
  assert.ok(has(globalKeys, 'web.rate_limit', 'requests_per_minute'), 'optional table behind a transform pipe');
  assert.ok(has(globalKeys, 'forwarding.channel_permissions', 'connect_other'), 'z.preprocess table');
  assert.ok(has(globalKeys, 'plugins.<id>.wasm.recovery', 'backoff_max'), 'record of tables');
  assert.ok(has(globalKeys, '[plugins.<id>.wasm.mounts]', 'read_only'), 'list of tables');
  assert.ok(has(serverKeys, '', 'addresses') && has(serverKeys, '[addresses]', 'weight'), 'string-or-table list');
  assert.ok(has(serverKeys, '', 'domain_rewrite') && has(serverKeys, 'domain_rewrite', 'explicit'), 'string-or-table union');
  assert.ok(has(serverKeys, 'server_manager', 'ready_pattern') && has(serverKeys, 'server_manager', 'api_url'), 'discriminated union');
  assert.ok(globalKeys.length > 150, `only ${globalKeys.length} global keys found`);
});

test('every infrarust.toml key is documented under its table', () => {
  const problems = checkPart('infrarust.toml', part(doc, 'Global file'), globalKeys);
  assert.deepEqual(problems, [], `docs/configuration.md is out of date:\n${problems.join('\n')}`);
});

test('every servers/*.toml key is documented under its table', () => {
  const problems = checkPart('servers/*.toml', part(doc, 'Server files'), serverKeys);
  assert.deepEqual(problems, [], `docs/configuration.md is out of date:\n${problems.join('\n')}`);
});

test('every MOTD state is named in the MOTD sections', () => {
  for (const [title, table] of [['Global file', 'default_motd.<state>'], ['Server files', 'motd.<state>']] as const) {
    const section = sectionsOf(['## (part)', ...part(doc, title)]).find((s) => s.heading.includes(headingToken(table)));
    assert.ok(section, `no heading for ${headingToken(table)}`);
    const text = section.body.join('\n');
    for (const state of MOTD_STATES) assert.ok(text.includes(`\`${state}\``), `${table}: state \`${state}\` is not named`);
  }
});

test('the check fails when a key is missing from the document', () => {
  const lines = part(doc, 'Global file').filter((l) => !/^\|\s*`ttl`\s*\|/.test(l));
  const problems = checkPart('infrarust.toml', lines, globalKeys);
  assert.ok(problems.some((p) => p.includes('"status_cache.ttl"')), 'removing the ttl row went unnoticed');
  const invented = [...part(doc, 'Server files'), ''];
  const at = invented.findIndex((l) => /^\|\s*`connect`\s*\|/.test(l));
  invented.splice(at + 1, 0, '| `bogus` | string | — | parsed only | not a real key |');
  assert.ok(checkPart('servers/*.toml', invented, serverKeys).some((p) => p.includes('`bogus`')), 'a stale row went unnoticed');
});

test('the CLI section shows the current --help text', () => {
  assert.ok(rawDoc.includes(`\`\`\`text\n${HELP}\n\`\`\``), 'docs/configuration.md does not contain `infrarust --help` verbatim (kernel/cli/args.ts HELP)');
});

test('the written-out embedded default config is the embedded default', () => {
  const lines = rawDoc.split('\n');
  const heading = lines.findIndex((l) => l.startsWith('## Embedded default config'));
  assert.ok(heading >= 0, 'no "## Embedded default config" heading');
  const open = lines.findIndex((l, i) => i > heading && l.startsWith('```toml'));
  const close = lines.findIndex((l, i) => i > open && l.startsWith('```'));
  assert.ok(open > heading && close > open, 'no ```toml block under "## Embedded default config"');
  const written = parseProxyConfig(lines.slice(open + 1, close).join('\n'), joinPath(process.cwd(), 'infrarust.toml')).config;
  assert.deepEqual(written, embeddedDefaultConfig());
});
