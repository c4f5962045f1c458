// ctx.files: atomic writes (readers never see a mix, failures leave the old file and no temp,
// slices let the event loop run), stale temps, the serial writer (a burst folds into ≤ 2 writes,
// failures reported and retried, the delay a task in the plugin's ledger, pending state written
// at unload), and kill safety: a child process (this file, run with DURABLE_FILES_CHILD) rewrites
// a file in a tight loop and is SIGKILLed; the file is always one complete earlier state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScheduledTask } from '../../../sdk/plugin.ts';
import { testContext } from '../../testing/plugin-test-kit.ts';
import { createDurableFiles, removeStaleTemps, writeFileAtomic } from './durable-files.ts';

const tempDir = () => mkdtemp(join(tmpdir(), 'durable-files-'));

async function inTemp(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await tempDir();
  try {
    await body(dir);
  } finally {
    await chmod(dir, 0o700).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

/** Files whose delay timers the test fires by hand. */
function manualFiles(errors: string[] = []) {
  const timers: (() => void)[] = [];
  const abort = new AbortController();
  const delay = (_ms: number, task: () => void): ScheduledTask => {
    timers.push(task);
    return { cancel: () => void timers.splice(timers.indexOf(task), 1) };
  };
  const files = createDurableFiles({ signal: abort.signal, delay, log: { error: ((_o: unknown, msg: string) => void errors.push(msg)) as never } });
  return { files, timers, abort };
}

if (process.env.DURABLE_FILES_CHILD !== undefined) {
  // The child: rewrites the file forever, each state `n:` padded to a length that follows from n.
  const file = process.env.DURABLE_FILES_CHILD;
  const { files } = manualFiles();
  const text = await readFile(file, 'utf8').catch(() => '');
  let n = text === '' ? 0 : Number(text.split(':')[0]);
  const writer = files.writer(file, () => stateText(n), { mode: 0o600 });
  process.stdout.write('started\n');
  for (;;) {
    n++;
    await writer.save();
  }
}

function stateText(n: number): string {
  return `${n}:`.padEnd(4096 + (n % 13) * 1024, String.fromCharCode(97 + (n % 26)));
}

test('an atomic write is seen by readers as the old or the new content, never a mix; mode applies; no temp left', async () => {
  await inTemp(async (dir) => {
    const file = join(dir, 'f.json');
    const old = 'o'.repeat(1 << 20);
    const next = 'n'.repeat(1 << 20);
    await writeFileAtomic(file, old, 0o600);
    const seen = new Set<string>();
    let writing = true;
    const reader = (async () => {
      while (writing) seen.add(await readFile(file, 'utf8').then((t) => (t === old ? 'old' : t === next ? 'new' : `torn ${t.length}`)));
    })();
    for (let i = 0; i < 5; i++) await writeFileAtomic(file, i % 2 === 0 ? next : old, 0o600);
    writing = false;
    await reader;
    assert.deepEqual([...seen].filter((s) => s.startsWith('torn')), []);
    assert.deepEqual(await readdir(dir), ['f.json']);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });
});

test('a sliced write lets the event loop run between slices, and lands whole', async () => {
  await inTemp(async (dir) => {
    const file = join(dir, 'f.json');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const seenAt: number[] = [];
    function* slices(): Generator<string> {
      for (let i = 0; i < 5; i++) {
        seenAt.push(ticks);
        yield `${i}`.repeat(100_000);
      }
    }
    await writeFileAtomic(file, slices());
    clearInterval(timer);
    assert.ok(seenAt[4]! > seenAt[0]!, `timers ran while slices were written (${seenAt.join(', ')})`);
    assert.equal(await readFile(file, 'utf8'), ['0', '1', '2', '3', '4'].map((d) => d.repeat(100_000)).join(''));
    assert.deepEqual(await readdir(dir), ['f.json']);
  });
});

test('a failed write leaves the old content and no temp file', { skip: process.getuid?.() === 0 ? 'root ignores permissions' : false }, async () => {
  await inTemp(async (dir) => {
    const file = join(dir, 'f.json');
    await writeFileAtomic(file, 'old');
    await chmod(dir, 0o500);
    await assert.rejects(writeFileAtomic(file, 'new'));
    await chmod(dir, 0o700);
    assert.equal(await readFile(file, 'utf8'), 'old');
    assert.deepEqual(await readdir(dir), ['f.json']);
  });
});

test('a rename that fails leaves what was there and removes the temp file', async () => {
  await inTemp(async (dir) => {
    const file = join(dir, 'f.json');
    await mkdir(file);
    await writeFile(join(file, 'keep'), 'x');
    await assert.rejects(writeFileAtomic(file, 'new'));
    assert.deepEqual(await readdir(dir), ['f.json']);
    assert.equal(await readFile(join(file, 'keep'), 'utf8'), 'x');
  });
});

test("stale temps: only the file's own temp files are removed", async () => {
  await inTemp(async (dir) => {
    const file = join(dir, 'f.json');
    await writeFile(join(dir, '.f.json.123.0.tmp'), 'partial');
    await writeFile(join(dir, '.g.json.123.0.tmp'), 'another file');
    await writeFile(join(dir, 'other.txt'), 'kept');
    await removeStaleTemps(file);
    assert.deepEqual((await readdir(dir)).sort(), ['.g.json.123.0.tmp', 'other.txt']);
    await removeStaleTemps(join(dir, 'missing', 'f.json')); // a missing folder is nothing to do
  });
});

test('the writer runs one write at a time and folds a burst into at most two writes', async () => {
  await inTemp(async (dir) => {
    const file = join(dir, 'sub', 'f.json');
    let renders = 0;
    let state = 0;
    const writer = manualFiles().files.writer(file, () => (renders++, String(state)));
    const saves: Promise<void>[] = [];
    for (state = 1; state <= 10; state++) saves.push(writer.save());
    state = 10;
    await Promise.all(saves);
    assert.ok(renders <= 2, `${renders} writes for a burst of 10`);
    assert.equal(await readFile(file, 'utf8'), '10');
    await writer.flush();
    assert.ok(renders <= 2, 'nothing pending, nothing written');
  });
});

test('a failed write rejects its save, goes to onError (else the log), and is retried at the next flush', async () => {
  await inTemp(async (dir) => {
    await writeFile(join(dir, 'blocker'), 'a file where a folder should be');
    const reported: string[] = [];
    const logged: string[] = [];
    const { files } = manualFiles(logged);
    const writer = files.writer(join(dir, 'blocker', 'f.json'), () => 'x', { onError: (err) => reported.push(err.message) });
    await assert.rejects(writer.save());
    void writer.save(); // not awaited: must not become an unhandled rejection
    await writer.flush();
    await writer.flush();
    assert.equal(reported.length, 3, 'each failed write reported; still pending, so every flush retried');
    await files.writer(join(dir, 'blocker', 'g.json'), () => 'y').save().catch(() => undefined);
    assert.deepEqual(logged, ['could not write a file']);
  });
});

test('minIntervalMs: saves fold into one delayed write; flush writes now and cancels the timer', async () => {
  await inTemp(async (dir) => {
    const file = join(dir, 'f.json');
    let renders = 0;
    let state = 'a';
    const { files, timers } = manualFiles();
    const writer = files.writer(file, () => (renders++, state), { minIntervalMs: 2000 });
    const first = writer.save();
    void writer.save();
    assert.equal(timers.length, 1, 'one timer for a burst');
    state = 'b';
    timers.shift()!();
    await first;
    assert.equal(renders, 1);
    assert.equal(await readFile(file, 'utf8'), 'b');
    void writer.save();
    state = 'c';
    await writer.flush();
    assert.equal(timers.length, 0, 'flush cancelled the timer');
    assert.equal(await readFile(file, 'utf8'), 'c');
    assert.equal(renders, 2);
  });
});

test('in a plugin context: the delay is a task in the ledger, and unload writes what is pending', async () => {
  await inTemp(async (dir) => {
    const file = join(dir, 'f.json');
    let state = 1;
    const t = testContext({});
    const writer = t.ctx.files.writer(file, () => String(state), { minIntervalMs: 1000, mode: 0o600 });
    void writer.save();
    assert.equal(t.liveRegistrations(), 1);
    await t.runTasks();
    await writer.flush();
    assert.equal(await readFile(file, 'utf8'), '1');
    state = 2;
    void writer.save();
    t.unload();
    await writer.flush();
    assert.equal(await readFile(file, 'utf8'), '2');
    assert.equal(t.liveRegistrations(), 0);
    state = 3;
    await writer.save(); // after unload: written at once, no timer
    assert.equal(await readFile(file, 'utf8'), '3');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });
});

/** Runs the child until it started writing, then kills it 0–100 ms later. */
function runAndKill(file: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DURABLE_FILES_CHILD: file } });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`the child did not start within 20 s: ${stderr}`))), 20_000);
    child.stdout.once('data', () => setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 100)));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`the child exited with ${code ?? signal}: ${stderr}`));
    });
  });
}

test('kill-safe: a process SIGKILLed while rewriting a file leaves one complete earlier state; its temps are removable', async () => {
  await inTemp(async (dir) => {
    const file = join(dir, 'state.txt');
    let before = 0;
    for (let round = 0; round < 4; round++) {
      await runAndKill(file);
      const text = await readFile(file, 'utf8').catch(() => '');
      const n = text === '' ? 0 : Number(text.split(':')[0]);
      if (text !== '') assert.equal(text, stateText(n), `round ${round}: the file is exactly one state`);
      assert.ok(n >= before, `round ${round}: ${n} after ${before}`);
      await removeStaleTemps(file);
      assert.deepEqual((await readdir(dir)).filter((name) => name !== 'state.txt'), [], 'temp files removed');
      before = n;
    }
    assert.ok(before > 0, 'the children did write');
  });
});
