import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, symlink, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveStatic } from './static.ts';

test('static files stay inside the root: traversal, encoded dots, NUL and symlinks out are 404; SPA routes get index.html', async () => {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'static-')));
  const root = join(dir, 'dist');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<html>app</html>');
  await writeFile(join(root, 'assets', 'app.js'), 'js');
  await writeFile(join(dir, 'secret.txt'), 'secret');
  await symlink(join(dir, 'secret.txt'), join(root, 'leak.txt'));
  try {
    assert.equal((await resolveStatic(root, '/'))?.type, 'text/html; charset=utf-8');
    assert.equal((await resolveStatic(root, '/assets/app.js'))?.immutable, true);
    assert.equal(new TextDecoder().decode((await resolveStatic(root, '/players/steve'))!.body), '<html>app</html>');
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/leak.txt', '/%00', '/..%5csecret.txt', '/%E0%A4%A', '/missing.js']) {
      assert.equal(await resolveStatic(root, p), undefined, p);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
