// Accounts survive a SIGKILL during a write (issue 12): a child process (fixtures/save-loop.ts)
// loads accounts.json as the plugin's setup does and rewrites it in a tight loop, one more
// account per write; it is SIGKILLed at a random moment, ten times over the same file. After
// each kill the file must decode (never half-written) and hold a complete earlier state: the
// accounts user0…user(k-1) with their pads intact, k at least what the child reported saved and
// never less than before the kill. Temp files a kill left behind are removed by the next load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testContext } from 'infrarust/sdk/testing';
import { decodeAccounts, encodeAccounts, readAccountsFile } from './storage.ts';
import { noteFor } from './fixtures/save-loop.ts';

const CHILD = fileURLToPath(new URL('./fixtures/save-loop.ts', import.meta.url));
const ROUNDS = 10;

interface Round { loaded: number; saved: number }

/** Runs the child until it reported `loaded`, then kills it 0–150 ms into its writes. */
function runAndKill(file: string): Promise<Round> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const round: Round = { loaded: -1, saved: -1 };
  let stderr = '';
  let out = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`the child did not start within 20 s: ${stderr}`))), 20_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const lines = out.split('\n');
      out = lines.pop()!;
      for (const line of lines) {
        const [what, n] = line.split(' ');
        if (what === 'saved') round.saved = Number(n);
        if (what === 'loaded' && round.loaded < 0) {
          round.loaded = Number(n);
          setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 150));
        }
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`the child exited with ${code ?? signal}: ${stderr}`));
      else resolve(round);
    });
  });
}

/** The file holds user0…user(k-1), each complete, and nothing else: returns k. */
async function checkComplete(file: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? '[]' : Promise.reject(err)));
  const accounts = decodeAccounts(text, file);
  accounts.forEach((a, i) => {
    assert.equal(a.username, `user${i}`);
    assert.equal(a.note, noteFor(i), `user${i}'s record is complete`);
  });
  if (accounts.length > 0) {
    assert.equal(encodeAccounts(accounts), text, 'the file is exactly one rendering of a state');
    assert.equal((await stat(file)).mode & 0o777, 0o600, 'password hashes: the file stays private');
  }
  return accounts.length;
}

test(`accounts.json survives ${ROUNDS} SIGKILLs of a process writing it: always a complete earlier state, temp files removed on the next load`, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'auth-kill-'));
  const file = join(dir, 'accounts.json');
  try {
    let before = 0;
    let tempsLeft = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const round = await runAndKill(file);
      assert.equal(round.loaded, before, `round ${i}: the child loaded every account the last round left`);
      const after = await checkComplete(file);
      assert.ok(after >= Math.max(before, round.saved), `round ${i}: ${after} accounts on disk, ${round.saved} reported saved, ${before} before`);
      const temps = (await readdir(dir)).filter((n) => n.endsWith('.tmp'));
      tempsLeft += temps.length;
      // The plugin's load: stale temps go, the file reads.
      await testContext({}).ctx.files.removeStaleTemps(file);
      assert.equal((await readAccountsFile(file))?.length ?? 0, after);
      assert.deepEqual((await readdir(dir)).filter((n) => n !== 'accounts.json'), [], `round ${i}: temp files removed on load`);
      before = after;
    }
    t.diagnostic(`${before} accounts after ${ROUNDS} kills; ${tempsLeft} kills left a temp file behind`);
    assert.ok(before > 0, 'the children did write');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
