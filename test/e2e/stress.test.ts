// 30 s of the stress tool's malformed mix (a child process, 100 at a time, from 127.0.0.2) against
// the in-process proxy at its defaults: real players (127.0.0.1) keep joining and pinging, the
// attacker sees every hostile connection closed (or refused: max_pre_route_per_ip), and the
// memory of this process (proxy + backend) stays bounded and flat.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, ping, plainText } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import type { StressResult } from '../../bench/stress/run.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = '1.21.4';
const ATTACK_S = 30;
const MB = 1024 * 1024;
let backend: Backend;
let proxy: Harness;

before(async () => {
  backend = await startBackend({ version: VERSION, motd: 'Under siege' });
  proxy = await startProxy({ servers: { main: serverToml(['main.test'], [backend.port]) } });
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('30 s of malformed traffic: players still join and ping, hostile sockets are closed, RSS stays bounded', { timeout: 90_000 }, async () => {
  // Warm-up: the first join and ping load minecraft-data and the codecs into this process.
  await join({ port: proxy.port, domain: 'main.test', version: VERSION, username: 'warmup' });
  await ping(proxy.port, 'main.test', VERSION);
  await sleep(1000);
  const baseline = process.memoryUsage().rss;

  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/stress/cli.ts', 'malformed', '--host', '127.0.0.1', '--port', String(proxy.port),
      '--concurrency', '100', '--source', '127.0.0.2', '--duration', String(ATTACK_S), '--domain', 'main.test', '--json'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => { running = false; });

  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 1000);
  const players: string[] = [];
  const failures: string[] = [];
  try {
    // A join and a ping every ~4 s while the attack runs.
    const attackStart = Date.now();
    for (let i = 0; running && Date.now() - attackStart < (ATTACK_S - 2) * 1000; i++) {
      await sleep(4000 - ((Date.now() - attackStart) % 4000));
      if (!running) break;
      const username = `player${i}`;
      try {
        await join({ port: proxy.port, domain: 'main.test', version: VERSION, username, timeoutMs: 10_000 });
        players.push(username);
        const status = await ping(proxy.port, 'main.test', VERSION);
        assert.equal(plainText(status.description), 'Under siege');
      } catch (err) {
        failures.push(`${username}: ${(err as Error).message}`);
      }
    }
    let guard: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => { guard = setTimeout(() => r('timeout'), (ATTACK_S + 25) * 1000); })]);
    clearTimeout(guard);
    assert.equal(code, 0, `the stress tool exited with ${String(code)}\n${stderr}\n${stdout.slice(-2000)}`);
  } finally {
    clearInterval(sampler);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }

  // Players.
  assert.deepEqual(failures, [], 'every join and ping during the attack succeeded');
  assert.ok(players.length >= 5, `only ${players.length} joins happened`);
  for (const p of players) assert.ok(backend.joined.includes(p), `${p} reached the backend`);
  assert.ok(!backend.joined.some((n) => n.startsWith('stress')), 'no hostile connection reached the backend as a login');

  // The attacker's view: the proxy closed the hostile connections within the bound.
  const line = stdout.split('\n').find((l) => l.startsWith('STRESS_RESULT '));
  assert.ok(line !== undefined, `no STRESS_RESULT line in:\n${stdout.slice(-2000)}\n${stderr}`);
  const result = JSON.parse(line.slice('STRESS_RESULT '.length)) as StressResult;
  const m = result.categories.malformed!;
  const stayedOpen = Object.entries(m.errorReasons).filter(([k]) => k.endsWith('stayed open')).reduce((n, [, v]) => n + v, 0);
  const finished = m.ok + m.errors;
  assert.ok(m.ok > 100, `only ${m.ok} malformed connections were closed by the proxy`);
  assert.equal(m.connectFail, 0, `connect failures: ${JSON.stringify(m.connectFailReasons)}`);
  assert.ok(stayedOpen <= finished * 0.01, `${stayedOpen} of ${finished} hostile connections stayed open: ${JSON.stringify(m.errorReasons)}`);
  assert.ok(m.errors <= finished * 0.01, `errors: ${JSON.stringify(m.errorReasons)}`);
  for (const [shape, counts] of Object.entries(m.shapes)) assert.ok(counts.ok > 0, `no ${shape} connection was closed by the proxy`);

  // Memory of this process (proxy + backend + the players' clients).
  const max = Math.max(...samples);
  const first10 = Math.max(...samples.slice(0, 10));
  const last10 = Math.max(...samples.slice(-10));
  const report = {
    baselineMB: +(baseline / MB).toFixed(1),
    maxMB: +(max / MB).toFixed(1),
    first10MaxMB: +(first10 / MB).toFixed(1),
    last10MaxMB: +(last10 / MB).toFixed(1),
    samples: samples.length,
    attacker: { ok: m.ok, errors: m.errors, stayedOpen, aborted: m.aborted, connPerS: +m.connPerS.toFixed(1), p50Ms: Math.round(m.latencyMs.p50), p99Ms: Math.round(m.latencyMs.p99) },
    players: players.length,
  };
  console.log(`# stress: ${JSON.stringify(report)}`);
  assert.ok(samples.length >= 20, `only ${samples.length} RSS samples`);
  assert.ok(max - baseline < 150 * MB, `RSS grew by ${((max - baseline) / MB).toFixed(1)} MB (baseline ${report.baselineMB} MB)`);
  assert.ok(last10 <= first10 + 50 * MB, `RSS still climbing: first 10 s max ${report.first10MaxMB} MB, last 10 s max ${report.last10MaxMB} MB`);
});
