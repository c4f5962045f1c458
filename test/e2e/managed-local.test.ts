/**
 * `[server_manager] type = "local"` end to end, in process: the managed server is a real
 * minecraft-protocol server script (test/helpers/managed-mc-server.mjs) run through the
 * supervisor; real clients ping and join through the proxy.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, ServerManagerService, ServerState } from '../../sdk/index.ts';
import { startProxy, type Harness } from '../helpers/proxy-harness.ts';
import { freePort } from '../helpers/cli-process.ts';
import { join as joinServer, ping, plainText } from '../helpers/client.ts';

const SCRIPT = fileURLToPath(new URL('../helpers/managed-mc-server.mjs', import.meta.url));

let h: Harness;
const ports: Record<string, number> = {};
const dirs: Record<string, string> = {};
let root = '';

function managedToml(id: string, mode: string, extra = ''): string {
  return [
    `domains = ["${id}.test"]`,
    `addresses = ["127.0.0.1:${ports[id]}"]`,
    '[motd.sleeping]',
    'text = "§7sleeping - join to wake it"',
    '[server_manager]',
    'type = "local"',
    `command = ${JSON.stringify(process.execPath)}`,
    `args = ${JSON.stringify([SCRIPT, String(ports[id]), `${id} backend`, mode])}`,
    `working_dir = ${JSON.stringify(dirs[id])}`,
    'shutdown_timeout = "3s"',
    'poll_interval = "500ms"',
    extra,
  ].join('\n');
}

const service = (): ServerManagerService => h.proxy.layers.registries.services.get('server-manager') as ServerManagerService;

async function waitState(id: string, want: ServerState, timeoutMs = 8_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (service().state(id) !== want) {
    if (Date.now() > end) throw new Error(`${id} is ${service().state(id)}, not ${want}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const listening = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

async function runCommand(name: string, args: string[]): Promise<string> {
  const command = h.proxy.layers.registries.commands.get(name) as Command;
  const replies: string[] = [];
  await command.execute({ reply: (t) => replies.push(t), hasPermission: () => true }, args);
  return replies.join('\n');
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'managed-local-'));
  for (const id of ['survival', 'crashy', 'slow', 'locked']) {
    ports[id] = await freePort();
    dirs[id] = join(root, id);
    await mkdir(dirs[id], { recursive: true });
  }
  // A live process (this test) holds the world of `locked`, as a previous copy still stopping would.
  await writeFile(join(dirs.locked!, '.infrarust-managed.pid'), String(process.pid));
  h = await startProxy({
    builtins: ['server-manager'],
    captureLogs: 'info',
    servers: {
      survival: managedToml('survival', 'normal', 'shutdown_after = "2s"'),
      crashy: managedToml('crashy', 'crash-after-ready'),
      slow: managedToml('slow', 'never-ready', 'start_timeout = "1500ms"'),
      locked: managedToml('locked', 'normal'),
    },
  });
  await waitState('survival', 'sleeping');
});

after(async () => {
  await h?.stop();
  await rm(root, { recursive: true, force: true });
});

test('a ping of a sleeping server shows [motd.sleeping] and never starts it', async () => {
  for (let i = 0; i < 3; i++) assert.equal(plainText((await ping(h.port, 'survival.test')).description), 'sleeping - join to wake it');
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(service().state('survival'), 'sleeping');
  assert.equal(await listening(ports.survival!), false, 'the backend was not started');
  assert.ok(!h.logs.some((l) => l.msg === 'starting server'), 'no start was asked');
});

test('start: online when the ready line appears; its output is logged under the server id; pings reach it', async () => {
  assert.equal(await runCommand('start', ['survival']), 'survival: starting');
  assert.equal(plainText((await ping(h.port, 'survival.test')).description), 'Server is starting...', 'the built-in starting MOTD');
  await waitState('survival', 'online');
  assert.ok(h.logs.some((l) => l.server === 'survival' && l.stream === 'stdout' && /For help, type "help"/.test(l.msg)), 'stdout in the proxy log');
  assert.equal(plainText((await ping(h.port, 'survival.test')).description), 'survival backend');
  assert.match(await runCommand('managed', []), /survival \[local\] online/);
});

test('a player keeps it up (passthrough counted); with nobody on it stops after shutdown_after, gracefully', async () => {
  const { client } = await joinServer({ port: h.port, domain: 'survival.test', version: '1.21.4', username: 'Stayer', keep: true });
  await new Promise((r) => setTimeout(r, 3_000));
  assert.equal(service().state('survival'), 'online', 'not stopped while a player is on it');
  const left = Date.now();
  client.end();
  await waitState('survival', 'stopping', 5_000);
  const idle = Date.now() - left;
  assert.ok(idle >= 1_900 && idle < 4_000, `stopped after ${idle} ms idle`);
  await waitState('survival', 'sleeping', 5_000);
  assert.ok(existsSync(join(dirs.survival!, 'stopped-gracefully')), 'stopped by `stop` on its stdin');
  assert.ok(!existsSync(join(dirs.survival!, '.infrarust-managed.pid')), 'the pid file is gone');
  assert.equal(await listening(ports.survival!), false);
  assert.ok(h.logs.some((l) => l.server === 'survival' && l.why === 'no players for 2 s (shutdown_after)'));
});

test('a server that exits non-zero is crashed, with a log line naming it and the cause, and pings say so', async () => {
  assert.deepEqual(await service().start('crashy'), { ok: true, state: 'starting' });
  await waitState('crashy', 'crashed');
  const line = h.logs.find((l) => l.level >= 50 && l.server === 'crashy');
  assert.match(String(line?.cause), /exited unexpectedly \(exit code 1\)/);
  assert.ok(h.logs.some((l) => l.server === 'crashy' && l.stream === 'stderr' && /OutOfMemoryError/.test(l.msg)), 'stderr in the log');
  assert.equal(plainText((await ping(h.port, 'crashy.test')).description), 'Server unavailable');
  assert.match(service().describe('crashy')?.lastError ?? '', /exit code 1/);
});

test('a ready_pattern that never appears: crashed after start_timeout, and the process is stopped', async () => {
  await service().start('slow');
  await waitState('slow', 'crashed', 4_000);
  assert.match(service().describe('slow')?.lastError ?? '', /start_timeout/);
  assert.ok(h.logs.some((l) => l.level >= 50 && l.server === 'slow' && /start_timeout/.test(String(l.cause))));
  const end = Date.now() + 4_000;
  while (!existsSync(join(dirs.slow!, 'stopped-gracefully')) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(join(dirs.slow!, 'stopped-gracefully')), 'stopped with `stop`');
});

test('a world held by a live previous copy: stopping, no second copy started, free once it is gone', async () => {
  await waitState('locked', 'stopping');
  assert.ok(h.logs.some((l) => l.server === 'locked' && new RegExp(`previous copy \\(supervisor pid ${process.pid}\\)`).test(String(l.cause))));
  const r = await service().start('locked');
  assert.equal(r.ok, false);
  assert.equal(await listening(ports.locked!), false, 'no second copy');
  await rm(join(dirs.locked!, '.infrarust-managed.pid'));
  await waitState('locked', 'sleeping', 3_000);
});
