import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeVerified, readVerified } from './storage.ts';
import { VerifiedPlayers } from './verified.ts';

async function folder(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'antibot-storage-'));
}

test('round trip: live entries come back oldest first, expired ones and a shrunk ttl are honoured', async () => {
  const dir = await folder();
  try {
    const file = join(dir, 'sub', 'verified.json');
    const before = new VerifiedPlayers(10_000, 100);
    before.remember('old', 0);
    before.remember('new', 5_000);
    await mkdir(join(dir, 'sub'));
    await writeFile(file, encodeVerified('name_and_ip', before.entries()));
    const { entries } = await readVerified(file, 'name_and_ip', 10_000);
    assert.deepEqual(entries, [['new', 15_000]], 'old expired at 10 s');
    const after = new VerifiedPlayers(1_000, 100); // remember_for shrank to 1 s
    after.load(entries, 10_000);
    assert.deepEqual([...after.entries()], [['new', 11_000]]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a missing file is no entries; another remember_by drops them with a note; a corrupt file throws', async () => {
  const dir = await folder();
  try {
    const file = join(dir, 'verified.json');
    assert.deepEqual(await readVerified(file, 'name', 0), { entries: [] });
    await writeFile(file, encodeVerified('name', [['steve', 5000]]));
    const other = await readVerified(file, 'ip', 0);
    assert.deepEqual(other.entries, []);
    assert.match(other.note!, /keyed by name/);
    await writeFile(file, '{"version":1,"entries":');
    await assert.rejects(readVerified(file, 'name', 0));
    await writeFile(file, '{"version":2,"remember_by":"name","entries":[]}');
    await assert.rejects(readVerified(file, 'name', 0));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
