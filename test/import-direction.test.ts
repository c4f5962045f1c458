// Imports go one way: sdk ← kernel ← (nothing); sdk ← builtin-plugins, plugins, templates.
// Inside the kernel: no import cycles, and no part imports one above it in the layering that
// docs/architecture.md documents (KERNEL_LAYERS below is that list, lowest first).
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

/** Repository-relative paths of the files `file` imports (relative specifiers only; type imports count). */
function importedFiles(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]);
  return specs.map((s) => relative(root, resolve(dirname(file), s)));
}

/** Bare specifiers `file` imports (packages, and the package's own `infrarust/...` exports). */
function importedPackages(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^.'"][^'"]*)['"]/g)].map((m) => m[1]);
}

const isTest = (file: string): boolean => file.endsWith('.test.ts');
/** Test code: test files and the fixtures (child-process scripts, data) they run. */
const isTestCode = (file: string): boolean => isTest(file) || /[\\/]fixtures[\\/]/.test(file);

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
      if (folder !== 'sdk' && isTest(file)) continue;
      for (const target of importedFiles(file)) {
        if (!allowed.includes(target.split('/')[0])) bad.push(`${relative(root, file)} → ${target}`);
      }
    }
    assert.deepEqual(bad, []);
  });
}

test('plugin code uses the sdk test kit only in tests', () => {
  const bad: string[] = [];
  for (const folder of ['builtin-plugins', 'plugins', 'templates', 'sdk']) {
    for (const file of sources(join(root, folder))) {
      if (isTestCode(file)) continue;
      if (importedPackages(file).some((p) => p === 'infrarust/sdk/testing')) bad.push(relative(root, file));
    }
  }
  assert.deepEqual(bad, []);
});

/**
 * The kernel's parts, lowest first: each may import only itself and the parts before it.
 * A part is a top-level folder of kernel/ or a file directly in it. Keep in step with
 * docs/architecture.md ("Layers").
 */
const KERNEL_LAYERS: string[][] = [
  ['errors.ts', 'log'],
  ['protocol'],
  ['config'],
  ['routing'],
  ['layers'],
  ['net'],
  ['status'],
  ['limbo'],
  ['session'],
  ['plugin-system'],
  ['proxy.ts', 'proxy-api.ts', 'testing'],
  ['kernel.ts'],
  ['cli'],
];

const partOf = (path: string): string => path.split('/')[1];
const levelOf = new Map(KERNEL_LAYERS.flatMap((parts, level) => parts.map((p) => [p, level] as const)));

function kernelGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources(join(root, 'kernel'))) {
    if (isTest(file)) continue;
    const from = relative(root, file);
    graph.set(from, importedFiles(file).filter((t) => t.startsWith('kernel/')));
  }
  return graph;
}

test('every part of kernel/ has a place in the layering', () => {
  const parts = new Set([...kernelGraph().keys()].map(partOf));
  assert.deepEqual([...parts].filter((p) => !levelOf.has(p)).sort(), []);
});

test('no part of kernel/ imports a part above it', () => {
  const bad: string[] = [];
  for (const [from, targets] of kernelGraph()) {
    for (const to of targets) {
      const a = levelOf.get(partOf(from));
      const b = levelOf.get(partOf(to));
      if (a !== undefined && b !== undefined && b > a) bad.push(`${from} → ${to}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('kernel/ has no import cycles (type imports included)', () => {
  const graph = kernelGraph();
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (file: string, path: string[]): void => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'open') {
      cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
      return;
    }
    state.set(file, 'open');
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of [...graph.keys()].sort()) visit(file, []);
  assert.deepEqual(cycles, []);
});
