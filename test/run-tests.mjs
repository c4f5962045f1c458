#!/usr/bin/env node
// Finds every *.test.ts under the source folders and runs them with node's test runner through tsx.
// Node 20's --test does not expand globs, so the list is built here; extra args pass through
// (e.g. `npm test -- --test-name-pattern=router`, or file paths to run only those files).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const roots = ['sdk', 'kernel', 'builtin-plugins', 'plugins', 'templates', 'test'];
const skip = new Set(['node_modules', '.work', 'fixtures']);

function walk(dir, out) {
  let entries;
  try { entries = readdirSync(dir); } catch { return out; }
  for (const name of entries) {
    if (skip.has(name) || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, full));
  }
  return out;
}

const args = process.argv.slice(2);
const explicit = args.filter((a) => a.endsWith('.ts'));
const flags = args.filter((a) => !a.endsWith('.ts'));
const files = explicit.length > 0 ? explicit : roots.flatMap((r) => walk(join(root, r), [])).sort();
const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...flags, ...files], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
