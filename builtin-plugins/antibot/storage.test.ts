import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DelayedWriter, encodeVerified, readVerified, removeStaleTemps, writeFileAtomic } from './storage.ts';
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
    await writeFileAtomic(file, encodeVerified('name_and_ip', before.entries()));
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const { entries } = await readVerified(file, 'name_and_ip', 10_000);
    assert.deepEqual(entries, [['new', 15_000]], 'old expired at 10 s');
    const after = new VerifiedPlayers(1_000, 100); // remember_for shrank to 1 s
    after.load(entries, 10_000);
    assert.deepEqual([...after.entries()], [['new', 11_000]]);
    assert.deepEqual(await readdir(join(dir, 'sub')), ['verified.json'], 'no temp file left');
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

test('stale temp files of a killed process are removed', async () => {
  const dir = await folder();
  try {
    const file = join(dir, 'verified.json');
    await writeFile(join(dir, '.verified.json.123.0.tmp'), 'partial');
    await writeFile(join(dir, 'other.txt'), 'kept');
    await removeStaleTemps(file);
    assert.deepEqual(await readdir(dir), ['other.txt']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('DelayedWriter: requests fold into one delayed write; flush writes what is pending now', async () => {
  const dir = await folder();
  try {
    const file = join(dir, 'v.json');
    let renders = 0;
    let state = 'a';
    const timers: (() => void)[] = [];
    const writer = new DelayedWriter(file, () => (renders++, state), (_ms, task) => (timers.push(task), { cancel: () => void timers.splice(timers.indexOf(task), 1) }), (err) => assert.fail(err));
    writer.request();
    writer.request();
    assert.equal(timers.length, 1, 'one timer for a burst');
    state = 'b';
    timers.shift()!(); // fires (and is gone, as a fired delay is)
    await writer.flush();
    assert.equal(renders, 1);
    assert.equal(await readFile(file, 'utf8'), 'b');
    await writer.flush();
    assert.equal(renders, 1, 'nothing pending, nothing written');
    writer.request();
    state = 'c';
    await writer.flush();
    assert.equal(timers.length, 0, 'flush cancelled the timer');
    assert.equal(await readFile(file, 'utf8'), 'c');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('DelayedWriter: a failed write is reported and retried at the next flush', async () => {
  const dir = await folder();
  try {
    await writeFile(join(dir, 'blocker'), 'a file where a folder should be');
    const errors: string[] = [];
    const writer = new DelayedWriter(join(dir, 'blocker', 'v.json'), () => 'x', () => ({ cancel: () => undefined }), (err) => errors.push(err.message));
    writer.request();
    await writer.flush();
    assert.equal(errors.length, 1);
    await writer.flush();
    assert.equal(errors.length, 2, 'still pending');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
