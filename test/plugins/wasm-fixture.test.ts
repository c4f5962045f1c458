// The committed WASM fixtures match their source: build.json pins the hash of what went into the
// build (bundle, world, WIT files, backend) and of the component, so CI need not rebuild them.
// On failure: `npm run build:wasm-fixtures` and commit the result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INFO, guestSource, type BuildInfo } from '../../kernel/cli/plugin-build.ts';
import { readManifest } from '../../kernel/plugin-system/host/manifest.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));

test('each committed fixture .wasm was built from its current source and the current WIT', async () => {
  const names = (await readdir(FIXTURES)).filter((n) => n.startsWith('wasm-'));
  assert.ok(names.length > 0);
  for (const name of names) {
    const dir = join(FIXTURES, name);
    const manifest = await readManifest(dir);
    const info = JSON.parse(await readFile(join(dir, BUILD_INFO), 'utf8')) as BuildInfo;
    const { sourceHash } = await guestSource(dir, manifest, info.backend);
    assert.equal(sourceHash, info.sourceHash, `${name}: source or WIT changed since the .wasm was built; run npm run build:wasm-fixtures`);
    const wasm = await readFile(join(dir, manifest.main!));
    assert.equal(createHash('sha256').update(wasm).digest('hex'), info.wasmSha256, `${name}: ${manifest.main} is not the component build.json describes`);
  }
});
