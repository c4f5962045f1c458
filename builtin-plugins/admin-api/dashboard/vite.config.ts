/**
 * Builds the dashboard into dist/ (committed, so `npm install` + `npm start` serve it without a
 * build step; `npm run build:dashboard` rebuilds it). Everything is bundled: no CDN, no
 * runtime dependency. dist/build.json records the source hash that build.test.ts checks.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { DASHBOARD_DIR, dashboardSourceHash } from './source-hash.ts';

function buildInfo(): Plugin {
  return {
    name: 'infrarust-build-info',
    apply: 'build',
    closeBundle() {
      writeFileSync(join(DASHBOARD_DIR, 'dist', 'build.json'), `${JSON.stringify({ source_sha256: dashboardSourceHash() }, null, 2)}\n`);
    },
  };
}

export default defineConfig({
  root: DASHBOARD_DIR,
  base: '/',
  logLevel: 'warn',
  plugins: [buildInfo()],
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    assetsInlineLimit: 0,
  },
  server: {
    // `npx vite builtin-plugins/admin-api/dashboard` during development: the API on :8080.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
