// docs/configuration.md documents every key of [plugins.antibot] (and of its messages table),
// and no key the schema does not accept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { ZodType } from 'zod';
import { AntibotSchema } from './options.ts';

type Def = { type: string; innerType?: ZodType; shape?: Record<string, ZodType> };
const defOf = (s: ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const objectOf = (s: ZodType): Record<string, ZodType> | undefined => {
  let d = defOf(s);
  while (d.innerType !== undefined) d = defOf(d.innerType);
  return d.type === 'object' ? d.shape : undefined;
};

function rows(lines: string[], heading: string): { key: string; status: string }[] {
  const at = lines.findIndex((l) => l === heading);
  assert.ok(at >= 0, `no heading ${heading}`);
  const end = lines.findIndex((l, i) => i > at && /^#{1,6}\s/.test(l));
  return lines
    .slice(at + 1, end < 0 ? undefined : end)
    .map((l) => /^\|\s*`([^`]+)`\s*\|(.*)$/.exec(l))
    .filter((m) => m !== null)
    .map((m) => ({ key: m[1]!, status: m[2]!.split('|')[2]!.trim() }));
}

test('docs/configuration.md has a row for each [plugins.antibot] key, and only those', async () => {
  const lines = (await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8')).split('\n');
  const shape = objectOf(AntibotSchema)!;
  const tables = Object.entries(shape).filter(([, s]) => objectOf(s) !== undefined);
  const scalars = Object.keys(shape).filter((k) => objectOf(shape[k]!) === undefined);
  const top = rows(lines, '### `[plugins.antibot]`');
  assert.deepEqual(top.map((r) => r.key).sort(), scalars.sort());
  for (const [table, schema] of tables) {
    const documented = rows(lines, `#### \`[plugins.antibot.${table}]\``);
    assert.deepEqual(documented.map((r) => r.key).sort(), Object.keys(objectOf(schema)!).sort(), `[plugins.antibot.${table}]`);
    top.push(...documented);
  }
  for (const r of top) assert.match(r.status, /^active/, `${r.key} status`);
});
