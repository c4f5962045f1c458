import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInfrarustError } from '../../errors.ts';
import { loadForwardingSecret } from './secret.ts';

function recordingLog() {
  const lines: Array<{ obj: unknown; msg: string }> = [];
  return { lines, log: { info: (obj: unknown, msg: string) => void lines.push({ obj, msg }) } as never };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ir-secret-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a missing file gets a random secret, mode 0600, no temp file left; the log names the file, not the secret', () => withDir(async (dir) => {
  const file = join(dir, 'forwarding.secret');
  const { lines, log } = recordingLog();
  const secret = await loadForwardingSecret(file, log);
  assert.match(secret, /^[0-9a-f]{32}$/);
  assert.equal((await readFile(file, 'utf8')).trim(), secret);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(dir), ['forwarding.secret']);
  assert.equal(lines.length, 1);
  assert.deepEqual(lines[0]!.obj, { file });
  assert.ok(!JSON.stringify(lines).includes(secret), 'the secret is never logged');
}));

test('the second load reuses the file; content is trimmed', () => withDir(async (dir) => {
  const file = join(dir, 'forwarding.secret');
  const { lines, log } = recordingLog();
  const first = await loadForwardingSecret(file, log);
  assert.equal(await loadForwardingSecret(file, log), first);
  assert.equal(lines.length, 1, 'created once');
  await writeFile(file, '  hunter2-long-secret\r\n');
  assert.equal(await loadForwardingSecret(file, log), 'hunter2-long-secret');
}));

test('concurrent first loads agree on one secret', () => withDir(async (dir) => {
  const file = join(dir, 'forwarding.secret');
  const { log } = recordingLog();
  const all = await Promise.all([1, 2, 3, 4].map(() => loadForwardingSecret(file, log)));
  assert.equal(new Set(all).size, 1);
  assert.equal((await readFile(file, 'utf8')).trim(), all[0]);
}));

test('an empty or blank file is IR_ERR_FORWARDING_SECRET naming the file', () => withDir(async (dir) => {
  const file = join(dir, 'empty.secret');
  await writeFile(file, ' \n');
  await assert.rejects(loadForwardingSecret(file, recordingLog().log), (err: unknown) =>
    isInfrarustError(err, 'IR_ERR_FORWARDING_SECRET') && err.message.includes(file) && /empty/.test(err.message));
}));

test('an unreadable path or one that cannot be created is IR_ERR_FORWARDING_SECRET naming the file', () => withDir(async (dir) => {
  // A directory where the file should be: EISDIR whoever runs the test (root ignores modes).
  await assert.rejects(loadForwardingSecret(dir, recordingLog().log), (err: unknown) =>
    isInfrarustError(err, 'IR_ERR_FORWARDING_SECRET') && err.message.includes(dir) && /cannot be read/.test(err.message));
  const missingDir = join(dir, 'nope', 'forwarding.secret');
  await assert.rejects(loadForwardingSecret(missingDir, recordingLog().log), (err: unknown) =>
    isInfrarustError(err, 'IR_ERR_FORWARDING_SECRET') && err.message.includes(missingDir) && /cannot be created/.test(err.message));
  if (process.getuid?.() !== 0) {
    const file = join(dir, 'locked.secret');
    await writeFile(file, 'x');
    await chmod(file, 0o000);
    await assert.rejects(loadForwardingSecret(file, recordingLog().log), (err: unknown) => isInfrarustError(err, 'IR_ERR_FORWARDING_SECRET'));
  }
}));
