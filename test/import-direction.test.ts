// Imports go one way: sdk ← kernel ← (nothing); sdk ← builtin-plugins, plugins, templates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');

function sources(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try { names = readdirSync(dir); } catch { return out; }
  for (const name of names) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(sources(full));
    else if (/\.(ts|mts|js|mjs)$/.test(name)) out.push(full);
  }
  return out;
}

/** Top-level folders each file imports (relative specifiers only), tests excluded where allowed. */
function importedRoots(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => relative(root, resolve(dirname(file), s)).split('/')[0]);
}

const RULES: Record<string, string[]> = {
  sdk: ['sdk'],
  kernel: ['sdk', 'kernel', 'package.json'],
  'builtin-plugins': ['sdk', 'builtin-plugins'],
  plugins: ['sdk', 'plugins'],
  templates: ['sdk', 'templates'],
};

for (const [folder, allowed] of Object.entries(RULES)) {
  test(`${folder}/ imports only from ${allowed.join(', ')}`, () => {
    const bad: string[] = [];
    for (const file of sources(join(root, folder))) {
      if (folder !== 'sdk' && file.endsWith('.test.ts')) continue;
      for (const target of importedRoots(file)) {
        if (!allowed.includes(target)) bad.push(`${relative(root, file)} → ${target}/`);
      }
    }
    assert.deepEqual(bad, []);
  });
}
