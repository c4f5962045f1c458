// The console as operators meet it: on a real terminal (a pty from `script`) it answers
// commands; with stdin closed (service managers) it reads nothing and burns no CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, LAUNCHER } from '../helpers/cli-process.ts';

const hasScript = spawnSync('script', ['--version']).status === 0;

function cpuTicks(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/stat`, 'utf8').then((s) => {
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  });
}

test('stdin at EOF: no console, no CPU spin', { timeout: 20_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'infrarust-console-'));
  const port = await freePort();
  const child = spawn(process.execPath, [LAUNCHER, '-b', `127.0.0.1:${port}`], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stdin.end();
  await new Promise<void>((resolve, reject) => {
    const t = setInterval(() => { if (/listening on/.test(out)) { clearInterval(t); resolve(); } }, 50);
    child.once('exit', () => reject(new Error(`exited early: ${out}`)));
  });
  const before = await cpuTicks(child.pid!);
  await new Promise((r) => setTimeout(r, 2000));
  const used = (await cpuTicks(child.pid!)) - before;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  assert.ok(used < 30, `an idle proxy used ${used} clock ticks of CPU in 2 s (spinning?)`);
  await rm(dir, { recursive: true, force: true });
});

test('on a terminal the console answers commands', { skip: !hasScript && 'no `script` to make a pty', timeout: 20_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'infrarust-console-'));
  const port = await freePort();
  const command = `${process.execPath} ${LAUNCHER} -b 127.0.0.1:${port} -l warn`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const waitFor = (re: RegExp) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${re}; got: ${out}`)), 10_000);
    const t = setInterval(() => { if (re.test(out)) { clearInterval(t); clearTimeout(timer); resolve(); } }, 50);
  });
  await waitFor(/> /);
  child.stdin.write('version\r');
  await waitFor(/infrarust \d+\.\d+\.\d+/);
  child.stdin.write('servers\r');
  await waitFor(/no servers configured/);
  child.stdin.write('stop\r');
  await new Promise((r) => child.once('exit', r));
  await rm(dir, { recursive: true, force: true });
});
