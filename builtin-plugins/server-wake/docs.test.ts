// docs/configuration.md documents every key of [plugins.server-wake], and only those, with the
// default messages exactly as options.ts has them (TOML-escaped newlines).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { ZodType } from 'zod';
import { DEFAULT_MESSAGES, ServerWakeSchema } from './options.ts';

const shapeOf = (s: ZodType): Record<string, ZodType> => (s as unknown as { _zod: { def: { shape: Record<string, ZodType> } } })._zod.def.shape;

test('docs/configuration.md has a row for each [plugins.server-wake] key, with the default messages', async () => {
  const lines = (await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8')).split('\n');
  const at = lines.indexOf('### `[plugins.server-wake]`');
  assert.ok(at >= 0, 'the section exists');
  const end = lines.findIndex((l, i) => i > at && /^#{1,6}\s/.test(l));
  const rows = new Map(
    lines
      .slice(at + 1, end)
      .map((l) => /^\|\s*`([^`]+)`\s*\|(.*)$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => [m[1]!, m[2]!.split('|').map((c) => c.trim())] as const),
  );
  assert.deepEqual([...rows.keys()].sort(), Object.keys(shapeOf(ServerWakeSchema)).sort());
  for (const [key, text] of Object.entries(DEFAULT_MESSAGES)) assert.equal(rows.get(key)?.[1], `\`${JSON.stringify(text)}\``, `${key} default`);
  for (const [key, cells] of rows) assert.equal(cells[2], 'active', `${key} status`);
});
