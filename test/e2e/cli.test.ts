// The `infrarust` command as users run it: help, version, the embedded default config, config
// errors, `npm start -- --config`, and signal handling with a connection in flight.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, stat } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, REPO_ROOT, runCli } from '../helpers/cli-process.ts';
import { echoBackend, openRelayed } from '../helpers/relay-peer.ts';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'infrarust-cli-'));
}

test('--help and --version', async () => {
  const dir = await tempDir();
  const help = runCli(['--help'], dir);
  assert.equal((await help.exited).code, 0);
  for (const flag of ['--config', '--bind', '--log-level', '--servers-dir', '--plugins-dir', '--version', '--help']) {
    assert.match(help.output(), new RegExp(flag));
  }
  const version = runCli(['-V'], dir);
  assert.equal((await version.exited).code, 0);
  assert.match(version.output(), /^infrarust \d+\.\d+\.\d+/);
  await rm(dir, { recursive: true });
});

test('without infrarust.toml it runs on the embedded default and explains how to add a server', async () => {
  const dir = await tempDir();
  const port = await freePort();
  const run = runCli(['-b', `127.0.0.1:${port}`], dir);
  await run.waitFor(/listening on 127\.0\.0\.1:\d+/);
  assert.match(run.output(), /built-in defaults/);
  assert.match(run.output(), /domains = \[\\?"play\.example\.com\\?"\]/); // JSON logs escape the quotes
  assert.ok((await stat(join(dir, 'servers'))).isDirectory(), 'servers_dir was created');
  let children = childCommands(run.child.pid!);
  for (let i = 0; i < 20 && children.length > 0; i++) {
    await new Promise((r) => setTimeout(r, 100)); // esbuild.stop() kills the service; its exit is asynchronous
    children = childCommands(run.child.pid!);
  }
  run.child.kill('SIGTERM');
  assert.deepEqual(children, [], 'no esbuild service left idling after the plugins loaded');
  assert.deepEqual(await run.exited, { code: 0, signal: null });
  await rm(dir, { recursive: true });
});

test('a bad config names the file, line and key, with a hint, and exits non-zero', async () => {
  const dir = await tempDir();
  const file = join(dir, 'infrarust.toml');
  await writeFile(file, 'bind = "127.0.0.1:0"\n\n[status_cache]\nttl = "5 parsecs"\nmax_entrys = 10\n');
  const run = runCli(['-c', file], dir);
  const { code } = await run.exited;
  assert.equal(code, 2);
  assert.match(run.output(), /infrarust\.toml:4: status_cache\.ttl/);
  assert.match(run.output(), /infrarust\.toml:5: status_cache\.max_entrys.*did you mean "max_entries"/);
  await rm(dir, { recursive: true });
});

test('an explicit --config that does not exist is an error, not the default', async () => {
  const dir = await tempDir();
  const run = runCli(['--config', join(dir, 'missing.toml')], dir);
  assert.equal((await run.exited).code, 2);
  assert.match(run.output(), /missing\.toml/);
  await rm(dir, { recursive: true });
});

test('npm start -- --config FILE starts the proxy with that file', async () => {
  const dir = await tempDir();
  const port = await freePort();
  const file = join(dir, 'custom.toml');
  await writeFile(file, `bind = "127.0.0.1:${port}"\nservers_dir = "my-servers"\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = runCli(['--config', file], REPO_ROOT, [npm, 'start', '--silent', '--']);
  await run.waitFor(new RegExp(`listening on 127\\.0\\.0\\.1:${port}`));
  assert.ok((await stat(join(dir, 'my-servers'))).isDirectory(), 'servers_dir resolved next to the config file');
  run.killGroup('SIGTERM');
  await run.exited;
  await rm(dir, { recursive: true });
});

async function startWithBackend(dir: string): Promise<{ port: number; backend: { close(): void }; run: ReturnType<typeof runCli> }> {
  const backend = await echoBackend();
  const port = await freePort();
  await writeFile(join(dir, 'infrarust.toml'), `bind = "127.0.0.1:${port}"\n`);
  await (await import('node:fs/promises')).mkdir(join(dir, 'servers'));
  await writeFile(join(dir, 'servers', 'echo.toml'), `domains = ["echo.test"]\naddresses = ["127.0.0.1:${backend.port}"]\n`);
  const run = runCli([], dir);
  await run.waitFor(/listening on/);
  return { port, backend, run };
}

test('SIGTERM drains: live connections keep working, new ones are refused, exit 0 when they end', async () => {
  const dir = await tempDir();
  const { port, backend, run } = await startWithBackend(dir);
  const player = await openRelayed(port, 'echo.test');
  run.child.kill('SIGTERM');
  await run.waitFor(/waiting for connections to finish/);
  const refused = await new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('error', () => resolve(true));
    s.once('connect', () => { s.destroy(); resolve(false); });
  });
  assert.equal(refused, true, 'no new connections during the drain');
  const echoed = new Promise<string>((r) => player.once('data', (d) => r(d.toString())));
  player.write('still here');
  assert.equal(await echoed, 'still here');
  assert.equal(run.child.exitCode, null, 'still running while a connection is open');
  player.end();
  assert.deepEqual(await run.exited, { code: 0, signal: null });
  backend.close();
  await rm(dir, { recursive: true });
});

test('a second signal exits at once', async () => {
  const dir = await tempDir();
  const { port, backend, run } = await startWithBackend(dir);
  const player = await openRelayed(port, 'echo.test');
  run.child.kill('SIGINT');
  await run.waitFor(/waiting for connections to finish/);
  run.child.kill('SIGINT');
  const { code } = await run.exited;
  assert.notEqual(code, 0);
  assert.match(run.output(), /second signal/);
  player.destroy();
  backend.close();
  await rm(dir, { recursive: true });
});

/** The command names of the live child processes of `pid` (from /proc). */
function childCommands(pid: number): string[] {
  const names: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A child that exited but is not reaped yet (state Z) is not idling; on a loaded machine
      // the esbuild service can sit there a moment after esbuild.stop().
      if (Number(ppid) === pid && state !== 'Z') names.push(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
    } catch {
      // gone meanwhile
    }
  }
  return names;
}
