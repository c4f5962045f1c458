// docs/configuration.md documents every key of [plugins.auth] under its table's heading, and no
// key the schema does not accept (test/config-docs.test.ts covers the proxy's own schemas;
// plugin settings are outside them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { ZodType } from 'zod';
import { AuthPluginSchema } from './options.ts';

type Def = { type: string; innerType?: ZodType; shape?: Record<string, ZodType> };
const defOf = (s: ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const objectOf = (s: ZodType): Record<string, ZodType> => {
  let d = defOf(s);
  while (d.innerType !== undefined) d = defOf(d.innerType);
  assert.equal(d.type, 'object');
  return d.shape!;
};

test('docs/configuration.md has a row for each [plugins.auth] key, and only those', async () => {
  const doc = await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const lines = doc.split('\n');
  for (const [table, schema] of Object.entries(objectOf(AuthPluginSchema))) {
    const heading = lines.findIndex((l) => l === `#### \`[plugins.auth.${table}]\``);
    assert.ok(heading >= 0, `no heading for [plugins.auth.${table}]`);
    const end = lines.findIndex((l, i) => i > heading && /^#{1,6}\s/.test(l));
    const rows = lines.slice(heading + 1, end).map((l) => /^\|\s*`([^`]+)`\s*\|(.*)$/.exec(l)).filter((m) => m !== null);
    const documented = rows.map((m) => m[1]);
    assert.deepEqual(documented.sort(), Object.keys(objectOf(schema)).sort(), `[plugins.auth.${table}]`);
    for (const m of rows) assert.match(m[2]!.split('|')[2]!.trim(), /^active/, `${table}.${m[1]} status`);
  }
});
