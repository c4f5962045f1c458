// The error registry and docs/errors.md list the same codes, with the same meanings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '../kernel/errors.ts';

test('docs/errors.md documents exactly the registry', () => {
  const doc = readFileSync(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const rows = [...doc.matchAll(/^\| `(IR_ERR_[A-Z0-9_]+)` \| (.+?) \|$/gm)].map((m) => [m[1], m[2]]);
  assert.deepEqual(Object.fromEntries(rows), { ...ERROR_CODES });
});

test('codes follow IR_ERR_<AREA>_<WHAT>', () => {
  for (const code of Object.keys(ERROR_CODES)) assert.match(code, /^IR_ERR_[A-Z]+_[A-Z0-9_]+$/);
});
