// Joins/s through one Infrarust process with each `balance` strategy over the same three
// backends (issue 13, part 4): `first_available` (the old ordered failover) against
// `round_robin`, `least_connections` and `random`, side by side in one run, rounds interleaved
// so that drift in the machine's load hits every strategy alike.
//
// A "join" is a passthrough login as far as the proxy can tell: connect, handshake + Login Start
// (lib/mc.ts preamble, protocol 767), then the backend's first byte relayed back (which proves
// the backend connection), then close. The three backends live in one child process and answer
// one byte to the first bytes they get (the proxy's replay), counting joins per backend, so the
// run also shows how each strategy spread the players. One proxy (bin/infrarust.mjs, as users
// run it) holds four server files, one per strategy (`<strategy>.bench` domains), and is pinned
// to its own CPU when taskset allows; client, backends and harness share the others.
//
//   node --import tsx bench/balancing.ts [--rounds 6] [--joins 3000] [--concurrency 32] [--relay js|native]
//
// Prints a markdown table (median and min–max joins/s, relay CPU ms per join, the ratio to
// first_available, the backend spread) for bench/RESULTS.md.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { preamble } from './lib/mc.ts';
import { cpuSeconds, freePort, installExitHandlers, pinSplit, stopChild, track, waitForPort } from './lib/proc.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STRATEGIES = ['first_available', 'round_robin', 'least_connections', 'random'] as const;
type Strategy = (typeof STRATEGIES)[number];

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}
const ROUNDS = arg('rounds', 6);
const JOINS = arg('joins', 3000);
const CONCURRENCY = arg('concurrency', 32);
const RELAY = process.argv.includes('--relay') ? process.argv[process.argv.indexOf('--relay') + 1] : 'native';

/** The three backends: one byte back on the first data, joins counted per port (asked over IPC). */
const BACKENDS_JS = `
const net = require('net');
const counts = {};
let ready = 0;
const ports = [];
for (let i = 0; i < 3; i++) {
  const s = net.createServer((c) => {
    c.on('error', () => {});
    c.once('data', () => { counts[s.address().port]++; c.write(Buffer.from([1])); });
  });
  s.listen(0, '127.0.0.1', () => {
    counts[s.address().port] = 0;
    ports.push(s.address().port);
    if (++ready === 3) process.send({ ports });
  });
}
process.on('message', () => process.send({ counts: { ...counts } }));
`;

function ask<T>(child: ChildProcess, predicate: (m: Record<string, unknown>) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const on = (m: Record<string, unknown>): void => {
      if (!predicate(m)) return;
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
  });
}

/** One join: connect from 127.0.0.<n>, send the preamble, wait for the backend's byte, close. */
function joinOnce(port: number, host: string, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${1 + (n % 128)}` });
    const timer = setTimeout(() => fail(new Error('no answer within 10 s')), 10_000);
    function fail(err: Error): void {
      clearTimeout(timer);
      s.destroy();
      reject(err);
    }
    s.on('error', fail);
    s.once('connect', () => s.write(preamble({ name: `b${n % 100000}`, host })));
    s.once('data', () => {
      clearTimeout(timer);
      s.destroy();
      resolve();
    });
  });
}

async function joins(port: number, host: string, count: number): Promise<{ ms: number; failed: number }> {
  let next = 0;
  let failed = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const n = next++;
      await joinOnce(port, host, n).catch(() => void failed++);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { ms: performance.now() - t0, failed };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  installExitHandlers();
  const backends = track(spawn(process.execPath, ['-e', BACKENDS_JS], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const { ports } = await ask<{ ports: number[] }>(backends, (m) => 'ports' in m);
  const dir = mkdtempSync(path.join(tmpdir(), 'infrarust-bench-balancing-'));
  mkdirSync(path.join(dir, 'servers'));
  const proxyPort = await freePort();
  writeFileSync(path.join(dir, 'infrarust.toml'), `bind = "127.0.0.1:${proxyPort}"\nservers_dir = "servers"\nmax_pre_route_per_ip = 0\n\n[rate_limit]\nenabled = false\n`);
  const addresses = JSON.stringify(ports.map((p) => `127.0.0.1:${p}`));
  for (const s of STRATEGIES) writeFileSync(path.join(dir, 'servers', `${s}.toml`), `domains = ["${s}.bench"]\naddresses = ${addresses}\nbalance = "${s}"\n`);
  const env = { ...process.env };
  if (RELAY === 'js') env.INFRARUST_RELAY = 'js';
  else delete env.INFRARUST_RELAY;
  const proxy = track(spawn(process.execPath, [path.join(REPO, 'bin/infrarust.mjs'), '-c', path.join(dir, 'infrarust.toml'), '-l', 'warn'], { cwd: dir, env, stdio: ['ignore', 'inherit', 'inherit'] }));
  try {
    await waitForPort(proxyPort, proxy, 30_000);
    const pinned = pinSplit([proxy.pid!], [process.pid, backends.pid!]);
    console.error(`# proxy pid ${proxy.pid} (${RELAY} relay); ${pinned ?? 'not pinned'}; ${ROUNDS} rounds × ${JOINS} joins per strategy at c=${CONCURRENCY}`);
    for (const s of STRATEGIES) await joins(proxyPort, `${s}.bench`, 500); // warm-up
    const rates: Record<Strategy, number[]> = { first_available: [], round_robin: [], least_connections: [], random: [] };
    const cpu: Record<Strategy, number[]> = { first_available: [], round_robin: [], least_connections: [], random: [] };
    const spread: Record<Strategy, number[]> = { first_available: [0, 0, 0], round_robin: [0, 0, 0], least_connections: [0, 0, 0], random: [0, 0, 0] };
    for (let round = 0; round < ROUNDS; round++) {
      // Rotate the order every round: none always runs first or right after another.
      const order = STRATEGIES.map((_, i) => STRATEGIES[(i + round) % STRATEGIES.length]!);
      for (const s of order) {
        backends.send('counts');
        const before = await ask<{ counts: Record<string, number> }>(backends, (m) => 'counts' in m);
        const cpu0 = cpuSeconds(proxy.pid!);
        const r = await joins(proxyPort, `${s}.bench`, JOINS);
        const cpu1 = cpuSeconds(proxy.pid!);
        backends.send('counts');
        const after = await ask<{ counts: Record<string, number> }>(backends, (m) => 'counts' in m);
        rates[s].push(((JOINS - r.failed) / r.ms) * 1000);
        cpu[s].push(((cpu1 - cpu0) * 1000) / JOINS);
        ports.forEach((p, i) => (spread[s][i]! += after.counts[p]! - before.counts[p]!));
        console.error(`# round ${round + 1} ${s}: ${(((JOINS - r.failed) / r.ms) * 1000).toFixed(0)} joins/s${r.failed ? `, ${r.failed} failed` : ''}`);
      }
    }
    const base = median(rates.first_available);
    console.log(`| median (min–max), ${ROUNDS} rounds × ${JOINS} joins, c=${CONCURRENCY} | joins/s ↑ | vs first_available | relay CPU ms per join ↓ | joins per backend (a / b / c) |`);
    console.log('|---|---|---|---|---|');
    for (const s of STRATEGIES) {
      const xs = rates[s];
      console.log(`| \`${s}\` | ${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}) | ${(median(xs) / base).toFixed(2)}× | ${median(cpu[s]).toFixed(3)} | ${spread[s].join(' / ')} |`);
    }
  } finally {
    await stopChild(proxy);
    await stopChild(backends);
  }
}

await main();
