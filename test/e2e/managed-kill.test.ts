/**
 * No managed server is left running unmanaged: the real CLI starts a local managed server (a
 * minecraft-protocol server script); SIGKILL of the proxy makes its supervisor stop the server
 * gracefully (`stop` on stdin) within seconds, and a restarted proxy starts one copy again,
 * which a SIGTERM of the proxy stops gracefully too.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, runCli, type Running } from '../helpers/cli-process.ts';

const SCRIPT = fileURLToPath(new URL('../helpers/managed-mc-server.mjs', import.meta.url));
let dir: string;
let world: string;
let mcPort: number;
let proxyPort: number;
const running: Running[] = [];

/** A user plugin that starts the managed server through the service once the proxy is up. */
const STARTER = `export default {
  setup(ctx) {
    ctx.scheduler.delay(50, async () => {
      const r = await ctx.services.get('server-manager')?.start('survival');
      ctx.log.info({ result: r }, 'starter asked for survival');
    });
  },
};
`;

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - start;
}

function startProxy(): Running {
  const run = runCli(['-l', 'info'], dir);
  running.push(run);
  return run;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'managed-kill-'));
  world = join(dir, 'world');
  [mcPort, proxyPort] = [await freePort(), await freePort()];
  await mkdir(world);
  await mkdir(join(dir, 'servers'));
  await mkdir(join(dir, 'plugins', 'starter'), { recursive: true });
  await writeFile(join(dir, 'infrarust.toml'), `bind = "127.0.0.1:${proxyPort}"\nplugins_dir = "plugins"\n`);
  await writeFile(join(dir, 'plugins', 'starter', 'plugin.json'), JSON.stringify({ id: 'starter', version: '0.1.0', apiVersion: '^0.1.0', dependencies: [{ id: 'server-manager' }] }));
  await writeFile(join(dir, 'plugins', 'starter', 'index.ts'), STARTER);
  await writeFile(
    join(dir, 'servers', 'survival.toml'),
    [
      'domains = ["survival.test"]',
      `addresses = ["127.0.0.1:${mcPort}"]`,
      '[server_manager]',
      'type = "local"',
      `command = ${JSON.stringify(process.execPath)}`,
      `args = ${JSON.stringify([SCRIPT, String(mcPort), 'survival', 'normal'])}`,
      'working_dir = "../world"',
      'shutdown_timeout = "5s"',
    ].join('\n'),
  );
});

after(async () => {
  for (const r of running) r.killGroup('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

test('SIGKILL of the proxy: the supervisor stops the managed server gracefully within seconds', async (t) => {
  const proxy = startProxy();
  await proxy.waitFor(/survival: starting -> online/, 15_000);
  assert.equal(await listening(mcPort), true);
  assert.ok(existsSync(join(world, '.infrarust-managed.pid')), 'the pid file guards the world');
  proxy.child.kill('SIGKILL'); // the proxy alone: the supervisor has its own process group
  await proxy.exited;
  const ms = await until(() => existsSync(join(world, 'stopped-gracefully')), 5_000, 'graceful stop after the proxy died');
  await until(async () => !(await listening(mcPort)), 3_000, 'port closed');
  await until(() => !existsSync(join(world, '.infrarust-managed.pid')), 3_000, 'pid file removed');
  t.diagnostic(`stop file written ${ms} ms after the proxy died`);
  assert.ok(ms < 3_000, `stopped ${ms} ms after the kill`);
});

test('a restarted proxy starts it again; SIGTERM of the proxy stops it gracefully', async () => {
  await rm(join(world, 'stopped-gracefully'), { force: true });
  const proxy = startProxy();
  await proxy.waitFor(/survival: starting -> online/, 15_000);
  assert.equal(await listening(mcPort), true);
  proxy.child.kill('SIGTERM');
  const exit = await proxy.exited;
  assert.equal(exit.code, 0, proxy.output());
  assert.ok(existsSync(join(world, 'stopped-gracefully')), 'stopped before the proxy exited');
  assert.equal(await listening(mcPort), false);
  assert.match(proxy.output(), /Stopping the server/, 'the server got `stop` from the proxy');
});
