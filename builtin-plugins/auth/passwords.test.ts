import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testContext } from 'infrarust/sdk/testing';
import { CHEAP_HASHING, fakeSession, pluginLoader, type } from './fake-session.ts';
import { createHasher, isBcrypt } from './passwords.ts';

const loadPlugin = pluginLoader(testContext);

const FIXTURE = new URL('./fixtures/v2-accounts.json', import.meta.url);
// Made by glibc's crypt (libxcrypt), not by the library under test: '$2b$' and '$2y$' forms.
const BCRYPT_2B = '$2b$10$.vcDZgEjvemC.3eRcCT5OOeJisiHYdVBkZuT5WkOhpmLC1CxT7yhy'; // oldbcrypt-pass
const BCRYPT_2Y = '$2y$10$.vcDZgEjvemC.3eRcCT5OO51FaIKvlaN8iEmkHLZQZWo3f4.0qRdS'; // other-bcrypt-pw

test('Argon2id: hash and verify; other parameters ask for a rehash', async () => {
  const hasher = await createHasher({ ...CHEAP_HASHING, argon2_parallelism: 1, migrate_legacy_hashes: true });
  const hash = await hasher.hash('correct horse');
  assert.match(hash, /^\$argon2id\$v=19\$m=64,t=1,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  assert.deepEqual(await hasher.verify('correct horse', hash), { ok: true, rehash: false });
  assert.deepEqual(await hasher.verify('correct horsE', hash), { ok: false, rehash: false });
  const v2 = '$argon2id$v=19$m=19456,t=2,p=1$YitwOn4Jlf/G94MLaBVQAw$rp8BUcQ914RcNlrQGm+gvVLLO6fiIViRnxkMpT6TYRg';
  assert.deepEqual(await hasher.verify('correct-horse', v2), { ok: true, rehash: true }, "v2's default parameters differ from these");
  assert.deepEqual(await hasher.verify('x', 'not a hash'), { ok: false, rehash: false });
  assert.deepEqual(await hasher.verify('x', '$argon2id$garbage'), { ok: false, rehash: false });
});

test('bcrypt ($2b$, $2y$) verifies and asks for migration unless migrate_legacy_hashes = false', async () => {
  assert.ok(isBcrypt(BCRYPT_2B) && isBcrypt(BCRYPT_2Y));
  const migrating = await createHasher({ ...CHEAP_HASHING, argon2_parallelism: 1, migrate_legacy_hashes: true });
  assert.deepEqual(await migrating.verify('oldbcrypt-pass', BCRYPT_2B), { ok: true, rehash: true });
  assert.deepEqual(await migrating.verify('other-bcrypt-pw', BCRYPT_2Y), { ok: true, rehash: true });
  assert.deepEqual(await migrating.verify('oldbcrypt-pasS', BCRYPT_2B), { ok: false, rehash: false });
  const keeping = await createHasher({ ...CHEAP_HASHING, argon2_parallelism: 1, migrate_legacy_hashes: false });
  assert.deepEqual(await keeping.verify('oldbcrypt-pass', BCRYPT_2B), { ok: true, rehash: false });
});

test('an unknown name costs one Argon2id verification, about as long as a real one', async () => {
  // v2's parameters, so the costs are big enough to compare.
  const hasher = await createHasher({ argon2_memory_cost: 19_456, argon2_time_cost: 2, argon2_parallelism: 1, migrate_legacy_hashes: true });
  const real = await hasher.hash('secret-password');
  // The median of 5, so one GC pause does not decide.
  const time = async (stored: string | null | undefined) => {
    const runs: number[] = [];
    let verdict;
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      verdict = await hasher.verify('guess-password', stored);
      runs.push(performance.now() - start);
    }
    return { ms: runs.sort((a, b) => a - b)[2]!, verdict };
  };
  const known = await time(real);
  const unknown = await time(undefined);
  const premiumOnly = await time(null);
  assert.deepEqual(unknown.verdict, { ok: false, rehash: false });
  assert.deepEqual(premiumOnly.verdict, { ok: false, rehash: false });
  for (const other of [unknown, premiumOnly]) {
    const ratio = other.ms / known.ms;
    assert.ok(ratio > 0.5 && ratio < 2, `dummy ${other.ms.toFixed(1)} ms vs real ${known.ms.toFixed(1)} ms`);
  }
});

test("v2's accounts.json: Argon2id logs in; bcrypt logs in once and is stored as Argon2id", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'auth-migrate-'));
  await copyFile(FIXTURE, join(dir, 'accounts.json'));
  const p = await loadPlugin({}, dir);
  try {
    const steve = fakeSession('Steve');
    await p.handler.onPlayerEnter(steve.session);
    await type(p.handler, steve, '/login correct-horse');
    assert.deepEqual(steve.completed, [{ type: 'accept' }]);

    const old = fakeSession('OldTimer');
    await p.handler.onPlayerEnter(old.session);
    await type(p.handler, old, '/login oldbcrypt-pass');
    assert.deepEqual(old.completed, [{ type: 'accept' }]);
    const php = fakeSession('phpuser');
    await p.handler.onPlayerEnter(php.session);
    await type(p.handler, php, '/login other-bcrypt-pw');
    assert.deepEqual(php.completed, [{ type: 'accept' }]);

    const saved = JSON.parse(await readFile(p.file, 'utf8')) as { username: string; password_hash: string | null; login_count: number }[];
    const by = new Map(saved.map((a) => [a.username, a]));
    assert.match(by.get('oldtimer')!.password_hash!, /^\$argon2id\$/);
    assert.match(by.get('phpuser')!.password_hash!, /^\$argon2id\$/);
    assert.equal(by.get('oldtimer')!.login_count, 1);
    assert.equal(by.get('steve')!.login_count, 43);
    assert.match(by.get('steve')!.password_hash!, /^\$argon2id\$v=19\$m=64,/, 'rehashed to the configured parameters');
    const fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as { username: string }[];
    assert.deepEqual(by.get('notch'), fixture.find((a) => a.username === 'notch'), 'an untouched record keeps every field');

    const again = fakeSession('OldTimer');
    await p.handler.onPlayerEnter(again.session);
    await type(p.handler, again, '/login oldbcrypt-pass');
    assert.deepEqual(again.completed, [{ type: 'accept' }], 'the migrated hash verifies');
  } finally {
    await p.close();
    await rm(dir, { recursive: true, force: true });
  }
});
