/**
 * The dashboard's source hash: SHA-256 over its source files (path and content, sorted) and the
 * version of Preact bundled into it. `vite build` writes it into dist/build.json; build.test.ts
 * recomputes it, so a committed dist/ that no longer matches its sources fails the suite.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

export const DASHBOARD_DIR = import.meta.dirname;
const INPUTS = ['index.html', 'tsconfig.json', 'vite.config.ts', 'source-hash.ts', 'src', 'public'];

function files(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    return [];
  }
  if (!st.isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => files(join(path, name)));
}

export function dashboardSourceHash(dir = DASHBOARD_DIR): string {
  const hash = createHash('sha256');
  const list = INPUTS.flatMap((p) => files(join(dir, p))).map((f) => relative(dir, f).split('\\').join('/')).sort();
  for (const rel of list) {
    hash.update(`${rel}\0`);
    hash.update(readFileSync(join(dir, rel)));
    hash.update('\0');
  }
  const preact = (createRequire(join(dir, 'index.html'))('preact/package.json') as { version: string }).version;
  hash.update(`preact@${preact}`);
  return hash.digest('hex');
}
