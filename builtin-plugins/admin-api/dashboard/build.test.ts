// The committed dashboard build (dist/) is what `npm start` serves without a build step, so it
// must match its sources: dist/build.json carries the source hash `vite build` saw, every asset
// index.html references exists, and the browser sources type-check under their own tsconfig
// (the root tsconfig leaves src/ out: it is DOM and JSX code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DASHBOARD_DIR, dashboardSourceHash } from './source-hash.ts';

const dist = join(DASHBOARD_DIR, 'dist');
const rebuild = 'rebuild it with `npm run build:dashboard` and commit builtin-plugins/admin-api/dashboard/dist';

test('dist/ was built from the current sources', () => {
  const info = JSON.parse(readFileSync(join(dist, 'build.json'), 'utf8')) as { source_sha256: string };
  assert.equal(info.source_sha256, dashboardSourceHash(), `the dashboard sources changed since dist/ was built: ${rebuild}`);
});

test('every script and stylesheet index.html references is in dist/, and nothing comes from another origin', () => {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((r) => !r.startsWith('data:'));
  assert.ok(refs.some((r) => r.endsWith('.js')), 'a script');
  assert.ok(refs.some((r) => r.endsWith('.css')), 'a stylesheet');
  for (const ref of refs) {
    assert.match(ref, /^\/assets\/[\w.-]+$/, `local asset: ${ref}`);
    assert.ok(existsSync(join(dist, ref)), `${ref} missing: ${rebuild}`);
  }
});

test('the dashboard sources type-check (DOM + Preact JSX)', { timeout: 120_000 }, () => {
  const require = createRequire(import.meta.url);
  const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', join(DASHBOARD_DIR, 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
