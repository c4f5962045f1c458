// The console as operators meet it: on a real terminal (a pty from `script`) it answers
// commands, Ctrl-C stops the proxy as SIGINT does, and the prompt stays below the log lines; with
// stdin closed (service managers) it reads nothing and burns no CPU.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, LAUNCHER } from '../helpers/cli-process.ts';
import { echoBackend, openRelayed } from '../helpers/relay-peer.ts';

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

/** The proxy on a pty (`script`), with one server routed to an echo backend. */
async function onTerminal(args: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'infrarust-console-'));
  const backend = await echoBackend();
  const port = await freePort();
  await mkdir(join(dir, 'servers'));
  await writeFile(join(dir, 'servers', 'echo.toml'), `domains = ["echo.test"]\naddresses = ["127.0.0.1:${backend.port}"]\n`);
  const command = `${process.execPath} ${LAUNCHER} -b 127.0.0.1:${port} ${args.join(' ')}`;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const waitFor = (re: RegExp, what = String(re)) => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { clearInterval(t); reject(new Error(`no ${what}; got: ${out}`)); }, 10_000);
    const t = setInterval(() => { if (re.test(plain(out))) { clearInterval(t); clearTimeout(timer); resolve(); } }, 50);
  });
  const cleanup = async () => {
    child.kill('SIGKILL');
    backend.close();
    await rm(dir, { recursive: true, force: true });
  };
  return { dir, port, child, exited, waitFor, output: () => out, cleanup };
}

/** What the terminal shows as text: escape sequences (colours, cursor moves) removed. */
function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

test('Ctrl-C at the prompt starts the graceful shutdown; a second Ctrl-C exits', { skip: !hasScript && 'no `script` to make a pty', timeout: 30_000 }, async () => {
  const term = await onTerminal(['-l', 'info']);
  try {
    await term.waitFor(/listening on[\s\S]*> /, 'the prompt after startup');
    const player = await openRelayed(term.port, 'echo.test'); // keeps the drain waiting
    term.child.stdin.write('\x03');
    await term.waitFor(/shutting down/, 'the graceful shutdown after the first Ctrl-C');
    await term.waitFor(/waiting for connections to finish/);
    assert.equal(term.child.exitCode, null, 'still draining');
    term.child.stdin.write('\x03');
    const code = await term.exited;
    assert.notEqual(code, 0);
    assert.match(term.output(), /second signal/);
    player.destroy();
  } finally {
    await term.cleanup();
  }
});

test('Ctrl-C with nobody connected stops the proxy at once', { skip: !hasScript && 'no `script` to make a pty', timeout: 30_000 }, async () => {
  const term = await onTerminal(['-l', 'info']);
  try {
    await term.waitFor(/listening on[\s\S]*> /, 'the prompt after startup');
    term.child.stdin.write('\x03');
    assert.equal(await term.exited, 0);
    assert.match(plain(term.output()), /stopped\n?$/, 'nothing is left after a dead prompt');
  } finally {
    await term.cleanup();
  }
});

test('the prompt comes after the startup logs and is redrawn below later log lines, with what was typed', { skip: !hasScript && 'no `script` to make a pty', timeout: 30_000 }, async () => {
  const term = await onTerminal(['-l', 'info']);
  try {
    await term.waitFor(/listening on[\s\S]*> /, 'the prompt after startup');
    const startup = plain(term.output());
    assert.match(startup, /listening on [^\n]*\n(?: {4}[^\n]*\n)*> $/, 'the prompt is the last thing on screen after startup');
    term.child.stdin.write('vers'); // typed, not sent
    await term.waitFor(/vers/);
    await writeFile(join(term.dir, 'servers', 'more.toml'), 'domains = ["more.test"]\naddresses = ["127.0.0.1:1"]\n');
    await term.waitFor(/server configs reloaded[^\n]*\n(?: {4}[^\n]*\n)*> vers$/, 'the prompt and the typed text redrawn under the reload log');
    term.child.stdin.write('ion\r');
    await term.waitFor(/infrarust \d+\.\d+\.\d+/);
  } finally {
    await term.cleanup();
  }
});
