// Limbo hold benchmark (issue 12): players held idle in the proxy's limbo world, side by side with
// the same number of idle passthrough connections and a raw Node TCP server holding as many
// sockets (the floor), in one run.
//
//   node --import tsx bench/limbo.ts [--players 1000] [--steps 100,500,1000] [--idle-s 30]
//        [--configs floor,passthrough,limbo-1.21.4,limbo-1.21.4-nz,limbo-1.8.8] [--rounds 1]
//        [--concurrency 64] [--warmup 50] [--heap-diff CONFIG] [--cpu-prof DIR] [--json FILE]
//        [--no-pin] [--keep] [--budget SEC]
//
// Per configuration, one fresh server process (RSS is not given back after connections close):
//   warm-up players (held for the whole run, part of the baseline) → wait until the process gave
//   back its start-up memory → baseline phase → players added in steps up to --players,
//   `--concurrency` joins in flight, one phase per step → at the last step, the idle window.
// A phase: forced full GCs (the server runs with --expose-gc and lib/limbo-probe.mjs, which
//   answers SIGUSR2 with process.memoryUsage() and V8's heap statistics), a quiet wait (no RSS
//   drop for 9 s: V8's memory reducer gives memory back ~8 s after a GC), and for the baseline and
//   the last step an idle window of --idle-s seconds; its RSS is the lowest VmRSS sampled (every
//   500 ms) from the end of the joins to the start of the next. KB per player = (phase − baseline)
//   / players added; also (phase − previous phase) / that step's players, and V8 heap per player.
// Joins/s: client timed, from the first connect to the last player counted as held (its first
//   Join Game); server CPU per join over the same burst. Idle CPU: all threads of the server
//   (/proc/<pid>/task/*/schedstat) over the idle window with the warm-up players only and with
//   every player (keepalives every 10 s, answered by the client); the difference per 1000 players.
//   Also the main thread's voluntary context switches per second (event-loop wake-ups).
//
// Configurations:
//   floor            lib/limbo-floor.mjs: a Node net server that answers one byte and holds the socket
//   passthrough      Infrarust, a passthrough server relaying to a raw TCP sink (the bench preamble
//                    and one byte back, as bench/idle-scale.ts): the per-connection baseline of the proxy
//   limbo-1.21.4     Infrarust, proxy_mode = "offline", limbo_handlers = ["hold"] (a plugin in the temp
//                    plugins/ folder that holds every player forever), compression_threshold default
//                    (256), the client speaks 1.21.4 (769) through the configuration state
//   limbo-1.21.4-nz  the same with compression_threshold = -1
//   limbo-1.8.8      the same as limbo-1.21.4 with 1.8.8 (47) clients (no configuration state)
// Processes: this harness; a load process (this file, role "client": every player, lib/limbo-client.ts);
// a sink (role "sink", passthrough's backend); the server under test, pinned to the last CPU while
// the load runs on the others (--no-pin to leave it to the scheduler).
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createServer, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { diffSnapshots, summarizeSnapshot } from './lib/heap-diff.ts';
import { ChildRpc, waitReady } from './lib/ipc.ts';
import { LimboPlayerConn, RawConn, newStats } from './lib/limbo-client.ts';
import { preamble } from './lib/mc.ts';
import { cpuSeconds, freePort, installExitHandlers, killAllSync, pinSplit, sleep, stopChild, tail, track, unpin, waitForPort } from './lib/proc.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const PROBE = pathToFileURL(path.join(REPO, 'bench/lib/limbo-probe.mjs')).href;
/** What bin/infrarust.mjs's shebang and `npm start` give the proxy. */
const SHIPPED_FLAGS = ['--max-semi-space-size=2'];
const role = process.env.LIMBO_BENCH_ROLE;

interface ConfigSpec {
  name: string;
  kind: 'floor' | 'passthrough' | 'limbo';
  protocol?: number;
  /** compression_threshold line for infrarust.toml; undefined = the default (256) */
  threshold?: number;
  what: string;
}

const CONFIGS: ConfigSpec[] = [
  { name: 'floor', kind: 'floor', what: 'raw Node net server holding the sockets (lib/limbo-floor.mjs)' },
  { name: 'passthrough', kind: 'passthrough', what: 'Infrarust passthrough to a raw TCP sink (idle relayed connections)' },
  { name: 'limbo-1.21.4', kind: 'limbo', protocol: 769, what: 'Infrarust offline + limbo hold, 1.21.4 clients, compression_threshold default (256)' },
  { name: 'limbo-1.21.4-nz', kind: 'limbo', protocol: 769, threshold: -1, what: 'the same, compression_threshold = -1' },
  { name: 'limbo-1.8.8', kind: 'limbo', protocol: 47, what: 'Infrarust offline + limbo hold, 1.8.8 clients, compression default (256)' },
];

const TARGET_KB = 30;


// ---- load process ----------------------------------------------------------------------------

interface OpenArgs {
  kind: 'limbo' | 'raw';
  port: number;
  protocol: number;
  count: number;
  concurrency: number;
  prefix: string;
}
interface OpenResult {
  ok: number;
  failed: number;
  errors: Record<string, number>;
  ms: number;
}
interface Status {
  held: number;
  open: number;
  keepAlives: number;
  lost: number;
  lostReasons: Record<string, number>;
  compressedSkipped: number;
}

function runClient(): void {
  const stats = newStats();
  let conns: (LimboPlayerConn | RawConn)[] = [];
  let serial = 0;
  const hello = preamble({ name: 'idle' });
  const status = (): Status => ({
    held: conns.filter((c) => c.held).length,
    open: conns.filter((c) => !c.socket.destroyed).length,
    keepAlives: stats.keepAlives,
    lost: stats.lost,
    lostReasons: Object.fromEntries(stats.lostReasons),
    compressedSkipped: stats.compressedSkipped,
  });
  const open = async (a: OpenArgs): Promise<OpenResult> => {
    let next = 0;
    let ok = 0;
    let failed = 0;
    const errors: Record<string, number> = {};
    const one = (): Promise<void> =>
      new Promise((resolve) => {
        const i = serial++;
        const local = `127.0.0.${1 + (i % 128)}`;
        let conn: LimboPlayerConn | RawConn;
        const timer = setTimeout(() => conn.close(), 20_000);
        const done = (r: true | string): void => {
          clearTimeout(timer);
          if (r === true) ok++;
          else {
            failed++;
            const k = r.slice(0, 200);
            errors[k] = (errors[k] ?? 0) + 1;
          }
          resolve();
        };
        conn = a.kind === 'limbo' ? new LimboPlayerConn(a.port, a.protocol, `${a.prefix}${i}`.slice(0, 16), local, stats, done) : new RawConn(a.port, hello, local, stats, done);
        conns.push(conn);
      });
    const t0 = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: Math.min(a.concurrency, a.count) }, async () => {
        while (next < a.count) {
          next++;
          await one();
        }
      }),
    );
    return { ok, failed, errors, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
  };
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (m: { rpc: number; cmd: string; args: unknown }) => {
    try {
      let result: unknown;
      if (m.cmd === 'open') result = await open(m.args as OpenArgs);
      else if (m.cmd === 'status') result = status();
      else if (m.cmd === 'closeAll') {
        for (const c of conns) c.close();
        result = { closed: conns.length };
        conns = [];
        stats.keepAlives = 0;
        stats.lost = 0;
        stats.lostReasons.clear();
        stats.compressedSkipped = 0;
      } else throw new Error(`unknown command ${m.cmd}`);
      process.send!({ rpc: m.rpc, ok: true, result });
    } catch (e) {
      process.send!({ rpc: m.rpc, ok: false, error: (e as Error).message });
    }
  });
  process.send!({ type: 'ready' });
}

/** passthrough's backend: reads the preamble, answers one byte, holds the socket. */
function runSink(): void {
  const held = new Set<Socket>();
  const server = createServer((s) => {
    held.add(s);
    s.on('error', () => undefined);
    s.on('close', () => held.delete(s));
    s.once('data', () => s.write(Buffer.from([1])));
    s.on('data', () => undefined);
  });
  server.maxConnections = 1 << 30;
  process.on('disconnect', () => process.exit(0));
  server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () => process.send!({ type: 'ready', port: (server.address() as { port: number }).port }));
}

// ---- harness ---------------------------------------------------------------------------------

interface Mem {
  /** VmRSS once the process went quiet after the joins, before any forced GC (min of 3 samples) */
  rssSettledKiB: number;
  /** lowest VmRSS of the phase: after the forced GCs, a quiet wait and (baseline, last step) the idle window */
  rssMinKiB: number;
  /** full GCs until RSS held still */
  gcs: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  malloced: number;
}

interface StepResult {
  players: number;
  added: number;
  ok: number;
  failed: number;
  errors: Record<string, number>;
  joinMs: number;
  joinsPerSec: number;
  cpuMsPerJoin: number;
  /** the load process's CPU per join (it shares CPU 0 with the harness and the sink) */
  loadCpuMsPerJoin: number;
  mem: Mem;
  kbPerPlayerSettled: number;
  /** (phase-minimum RSS − the baseline's) / players */
  kbPerPlayer: number;
  /** (phase-minimum RSS − the previous step's) / players added in this step */
  kbMarginal: number;
  heapUsedPerPlayer: number;
  heapTotalPerPlayer: number;
  externalPerPlayer: number;
}

interface ConfigResult {
  config: string;
  round: number;
  error?: string;
  startMs?: number;
  warmup?: number;
  base?: Mem;
  steps: StepResult[];
  /** idle window with the warm-up players only */
  idleBase?: IdleWindow;
  /** idle window with every player */
  idle?: IdleWindow & {
    /** (idle − idleBase) CPU ms per second, per 1000 players added */
    addedCpuMsPerSecPer1000: number;
  };
  heapDiff?: { totalPerPlayer: number; rows: { key: string; countPerPlayer: number; bytesPerPlayer: number }[] };
  cpuProfile?: { file: string; top: { fn: string; selfMs: number; pct: number }[] };
}

interface Opts {
  players: number;
  steps: number[];
  idleS: number;
  configs: ConfigSpec[];
  rounds: number;
  concurrency: number;
  warmup: number;
  settleS: number;
  heapDiff: Set<string>;
  cpuProf?: string;
  json: string;
  pin: boolean;
  keep: boolean;
  budgetS: number;
}

function parse(): Opts {
  const { values } = parseArgs({
    options: {
      players: { type: 'string', default: '1000' },
      steps: { type: 'string' },
      'idle-s': { type: 'string', default: '30' },
      configs: { type: 'string' },
      rounds: { type: 'string', default: '1' },
      concurrency: { type: 'string', default: '64' },
      warmup: { type: 'string', default: '50' },
      'settle-s': { type: 'string', default: '1' },
      'heap-diff': { type: 'string' },
      'cpu-prof': { type: 'string' },
      json: { type: 'string' },
      'no-pin': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
      budget: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(fs.readFileSync(SELF, 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n'));
    process.exit(0);
  }
  const int = (v: string | undefined, name: string, min: number, max: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      console.error(`limbo bench: --${name} must be an integer in [${min}, ${max}]`);
      process.exit(2);
    }
    return n;
  };
  const players = int(values.players, 'players', 1, 9000);
  const steps = values.steps
    ? values.steps.split(',').map((s) => int(s.trim(), 'steps', 1, players))
    : [Math.round(players / 10), Math.round(players / 2), players];
  const uniq = [...new Set(steps.filter((s) => s > 0))].sort((a, b) => a - b);
  if (uniq.at(-1) !== players) uniq.push(players);
  const names = (values.configs ?? CONFIGS.map((c) => c.name).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  const configs = names.map((n) => {
    const c = CONFIGS.find((x) => x.name === n);
    if (!c) {
      console.error(`limbo bench: unknown config '${n}' (${CONFIGS.map((x) => x.name).join(', ')})`);
      process.exit(2);
    }
    return c;
  });
  const idleS = int(values['idle-s'], 'idle-s', 0, 600);
  const rounds = int(values.rounds, 'rounds', 1, 10);
  const settleS = int(values['settle-s'], 'settle-s', 0, 60);
  // Generous default: start ~5 s, warm-up and steps ~(settle + 4) s each, idle, closing.
  // Per config: start and warm-up ~5 s, start-up quiet 20-30 s, baseline GCs and quiet ~15 s, two
  // idle windows, per step the joins, settle, GCs and a quiet wait (~16 s), closing.
  const perConfig = 55 + uniq.length * (settleS + 18) + 2 * idleS + players / 100;
  return {
    players,
    steps: uniq,
    idleS,
    configs,
    rounds,
    concurrency: int(values.concurrency, 'concurrency', 1, 1024),
    warmup: int(values.warmup, 'warmup', 1, 1000),
    settleS,
    heapDiff: new Set((values['heap-diff'] ?? '').split(',').map((s) => s.trim()).filter(Boolean)),
    cpuProf: values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined,
    json: values.json ?? path.join(REPO, 'bench/.work/limbo.json'),
    pin: !values['no-pin'],
    keep: values.keep!,
    budgetS: values.budget ? int(values.budget, 'budget', 10, 7200) : Math.ceil(60 + perConfig * configs.length * rounds * 1.5),
  };
}

/** A server under test: its pid, port, probe folder, log. */
interface Server {
  pid: number;
  port: number;
  child: ChildProcess;
  probeDir: string;
  log: string;
  stop(): Promise<void>;
}

let probeSeq = 0;
async function probe<T>(s: Server, cmd: Record<string, unknown>, timeoutMs = 30_000): Promise<T & { error?: string }> {
  const id = ++probeSeq;
  fs.writeFileSync(path.join(s.probeDir, 'cmd.json'), JSON.stringify({ ...cmd, id }));
  process.kill(s.pid, 'SIGUSR2');
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    try {
      const out = JSON.parse(fs.readFileSync(path.join(s.probeDir, 'out.json'), 'utf8')) as T & { id: number; error?: string };
      if (out.id === id) {
        if (out.error) throw new Error(`probe ${String(cmd.op)}: ${out.error}`);
        return out;
      }
    } catch (e) {
      if ((e as Error).message.startsWith('probe ')) throw e;
    }
    await sleep(50);
  }
  throw new Error(`probe ${String(cmd.op)} got no answer in ${timeoutMs} ms (is the server running with lib/limbo-probe.mjs?)`);
}

async function startServer(spec: ConfigSpec, tmp: string, sinkPort: number, budgetS: number): Promise<Server> {
  const dir = fs.mkdtempSync(path.join(tmp, `${spec.name}-`));
  const probeDir = path.join(dir, 'probe');
  fs.mkdirSync(probeDir);
  const port = await freePort();
  const log = path.join(dir, 'out.log');
  const out = fs.openSync(log, 'a');
  const env: NodeJS.ProcessEnv = { ...process.env, LIMBO_PROBE_DIR: probeDir, LIMBO_PROBE_MAX_S: String(budgetS + 30) };
  delete env.LIMBO_BENCH_ROLE;
  const nodeFlags = [...SHIPPED_FLAGS, '--expose-gc', '--import', PROBE];
  let child: ChildProcess;
  if (spec.kind === 'floor') {
    child = track(spawn(process.execPath, [...nodeFlags, path.join(REPO, 'bench/lib/limbo-floor.mjs'), String(port), String(budgetS)], { cwd: dir, env, stdio: ['pipe', out, out] }));
  } else {
    fs.mkdirSync(path.join(dir, 'servers'));
    fs.mkdirSync(path.join(dir, 'plugins'));
    const top = [`bind = "127.0.0.1:${port}"`, `servers_dir = "./servers"`, `plugins_dir = "./plugins"`];
    if (spec.threshold !== undefined) top.push(`compression_threshold = ${spec.threshold}`);
    fs.writeFileSync(path.join(dir, 'infrarust.toml'), `${top.join('\n')}\n\n[rate_limit]\nenabled = false\n`);
    if (spec.kind === 'passthrough') {
      fs.writeFileSync(path.join(dir, 'servers', 'bench.toml'), `domains = ["bench.local"]\naddresses = ["127.0.0.1:${sinkPort}"]\n`);
    } else {
      // The backend is never dialled: every player is held.
      fs.writeFileSync(path.join(dir, 'servers', 'bench.toml'), `domains = ["bench.local"]\naddresses = ["127.0.0.1:9"]\nproxy_mode = "offline"\nlimbo_handlers = ["hold"]\n`);
      const plugin = path.join(dir, 'plugins', 'hold');
      fs.mkdirSync(plugin);
      fs.writeFileSync(path.join(plugin, 'plugin.json'), `${JSON.stringify({ id: 'hold', name: 'hold', version: '0.1.0', apiVersion: '^0.1.0', description: 'bench: holds every player in limbo forever', main: 'index.ts' }, null, 2)}\n`);
      fs.writeFileSync(
        path.join(plugin, 'index.ts'),
        `import { definePlugin, hold } from 'infrarust/sdk';\n\nexport default definePlugin({\n  setup(ctx) {\n    ctx.limbo.register({ name: 'hold', onPlayerEnter: () => hold() });\n  },\n});\n`,
      );
    }
    child = track(spawn(process.execPath, [...nodeFlags, path.join(REPO, 'bin/infrarust.mjs'), '-c', path.join(dir, 'infrarust.toml'), '-l', 'warn'], { cwd: dir, env, stdio: ['ignore', out, out] }));
  }
  fs.closeSync(out);
  const s: Server = {
    pid: child.pid!,
    port,
    child,
    probeDir,
    log,
    stop: () => stopChild(child, 3000),
  };
  await waitForPort(port, child, 30_000);
  return s;
}

function threadTimes(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      const ns = Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      out.set(`${tid === String(pid) ? 'main' : name}#${tid}`, ns);
    } catch {
      /* gone */
    }
  }
  return out;
}

interface MemProbe {
  mem: NodeJS.MemoryUsage;
  heap: { malloced_memory: number };
}

/**
 * RSS as it settled (min of 3 samples), then full GCs until RSS stops moving: the process gives
 * memory back for seconds after a burst (V8's memory reducer, glibc trimming), so one GC and one
 * sample can be far off. Each round: GC, 0.7 s, min of 3 samples; done when two rounds agree
 * within 0.5% (at least 256 KiB), or after maxS seconds.
 */
async function measureMem(s: Server, maxS: number): Promise<Mem> {
  const sample = async (): Promise<number> => {
    const xs: number[] = [];
    for (let i = 0; i < 3; i++) {
      xs.push(vmRssKiB(s.pid));
      await sleep(200);
    }
    return Math.min(...xs);
  };
  const rssSettledKiB = await sample();
  const end = Date.now() + maxS * 1000;
  let prev = Infinity;
  let m: MemProbe;
  let rss: number;
  let gcs = 0;
  for (;;) {
    m = await probe<MemProbe>(s, { op: 'mem', gc: true });
    gcs++;
    await sleep(700);
    rss = await sample();
    if (process.env.LIMBO_TRACE_MEM) console.log(`    [mem] gc ${gcs}: rss ${rss} KiB, heap used ${m.mem.heapUsed}, heap total ${m.mem.heapTotal}, external ${m.mem.external}, malloced ${m.heap.malloced_memory}`);
    if (Math.abs(rss - prev) <= Math.max(256, rss * 0.005) || Date.now() > end) break;
    prev = rss;
  }
  return {
    rssSettledKiB,
    rssMinKiB: rss, // replaced by the phase's minimum (RssMin) once the phase ends
    gcs,
    heapUsed: m.mem.heapUsed,
    heapTotal: m.mem.heapTotal,
    external: m.mem.external,
    arrayBuffers: m.mem.arrayBuffers,
    malloced: m.heap.malloced_memory,
  };
}

/** VmRSS of one process (the servers under test have no children), KiB. */
function vmRssKiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

/**
 * The lowest VmRSS seen during a phase, sampled every 500 ms: a phase (the baseline, or one step's
 * players) runs from the end of a join burst to the start of the next, through the forced GCs,
 * a quiet wait and the idle window, so memory the process gives back late (V8's memory reducer
 * runs ~8 s after a GC, including the forced ones) still counts for the phase it belongs to.
 */
class RssMin {
  #min = Infinity;
  readonly #timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.#timer = setInterval(() => this.#sample(), 500);
  }
  #sample(): void {
    const v = vmRssKiB(this.pid);
    if (v < this.#min) this.#min = v;
  }
  /** The phase's minimum (including now); starts the next phase. */
  take(): number {
    this.#sample();
    const v = this.#min;
    this.#min = Infinity;
    return v;
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

/**
 * Waits until a fresh process has given back its start-up memory. Measured on an idle Infrarust:
 * ~8–10 s after start its anonymous RSS drops by ~40 MB at once (V8's memory reducer once the
 * process goes quiet; forced GCs do not do it), so a baseline taken before that drop makes
 * every later delta ~40 MB too small. Samples VmRSS every second until the process is at least
 * `minAgeS` old and RSS has not dropped by 1 MiB or more for `quietS` seconds (the reducer works
 * in rounds 8 s apart: seen at 9 s and again at 16 s); at most `maxS` seconds. After each step
 * too: a join burst is followed by a smaller give-back (~2.5 MB at 200 players) 8–10 s later.
 */
async function waitQuiet(s: Server, startedAt: number, minAgeS: number, quietS: number, maxS: number, log: (m: string) => void, name: string): Promise<void> {
  const t0 = Date.now();
  let lastDrop = Date.now();
  let prev = vmRssKiB(s.pid);
  const first = prev;
  while (Date.now() - t0 < maxS * 1000) {
    await sleep(1000);
    const now = vmRssKiB(s.pid);
    if (process.env.LIMBO_TRACE_MEM) console.log(`    [quiet] ${((Date.now() - startedAt) / 1000).toFixed(0)} s: rss ${now} KiB`);
    if (now < prev - 1024) lastDrop = Date.now();
    prev = Math.min(prev, now);
    if (Date.now() - startedAt >= minAgeS * 1000 && Date.now() - lastDrop >= quietS * 1000) break;
  }
  log(`${name}: quiet after ${((Date.now() - t0) / 1000).toFixed(0)} s (RSS ${(first / 1024).toFixed(1)} → ${(vmRssKiB(s.pid) / 1024).toFixed(1)} MiB)`);
}

/** Voluntary context switches of the main thread: each is one sleep in epoll_wait, i.e. one wake-up of the event loop. */
function mainWakeups(pid: number): number {
  try {
    const m = /voluntary_ctxt_switches:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/task/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

interface IdleWindow {
  seconds: number;
  /** main-thread voluntary context switches per second (event-loop wake-ups) */
  wakeupsPerSec: number;
  held: number;
  cpuMs: number;
  cpuMsPerSec: number;
  byThread: Record<string, number>;
  keepAlivesAnswered: number;
  lost: number;
  lostReasons: Record<string, number>;
  heldAfter: number;
}

/** The server's CPU (all threads) over `seconds` with the players it holds; optionally profiled. */
async function idleWindow(server: Server, client: ChildRpc, seconds: number, prof?: string): Promise<IdleWindow & { profile?: ConfigResult['cpuProfile'] }> {
  const s0 = await client.call<Status>('status', {}, 10_000);
  if (prof) {
    fs.mkdirSync(path.dirname(prof), { recursive: true });
    await probe(server, { op: 'prof-start' });
  }
  const th0 = threadTimes(server.pid);
  const w0 = mainWakeups(server.pid);
  await sleep(seconds * 1000);
  const th1 = threadTimes(server.pid);
  const w1 = mainWakeups(server.pid);
  // Every thread of the process, less V8's profiler thread when --cpu-prof runs one.
  let cpu = 0;
  for (const [k, ns] of th1) if (!k.startsWith('v8:ProfEvntProc')) cpu += (ns - (th0.get(k) ?? 0)) / 1e9;
  let profile: ConfigResult['cpuProfile'];
  if (prof) {
    await probe(server, { op: 'prof-stop', file: prof }, 60_000);
    profile = { file: prof, top: profileTop(prof) };
  }
  const s1 = await client.call<Status>('status', {}, 10_000);
  const byThread: Record<string, number> = {};
  for (const [k, ns] of th1) {
    const ms = (ns - (th0.get(k) ?? ns)) / 1e6;
    if (ms > 0.05) byThread[k] = Math.round(ms * 100) / 100;
  }
  return {
    seconds,
    wakeupsPerSec: (w1 - w0) / seconds,
    held: s0.held,
    cpuMs: cpu * 1000,
    cpuMsPerSec: (cpu * 1000) / seconds,
    byThread,
    keepAlivesAnswered: s1.keepAlives - s0.keepAlives,
    lost: s1.lost - s0.lost,
    lostReasons: s1.lostReasons,
    heldAfter: s1.held,
    profile,
  };
}

const threadsText = (t: Record<string, number>): string => Object.entries(t).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';

/** Top self-time functions of a .cpuprofile. */
function profileTop(file: string, n = 15): { fn: string; selfMs: number; pct: number }[] {
  const p = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const node = byId.get(p.samples[i]!);
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    if (!node) continue;
    const cf = node.callFrame;
    const key = `${cf.functionName || '(anonymous)'} ${cf.url ? `${path.relative(REPO, fileURLToPath(cf.url.startsWith('file:') ? cf.url : pathToFileURL(cf.url).href))}:${cf.lineNumber + 1}` : ''}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([fn, ms]) => ({ fn, selfMs: ms, pct: total > 0 ? (ms / total) * 100 : 0 }));
}

async function runConfig(spec: ConfigSpec, round: number, o: Opts, ctx: { tmp: string; sinkPort: number; client: ChildRpc; loadPids: number[]; log: (m: string) => void }): Promise<ConfigResult> {
  const r: ConfigResult = { config: spec.name, round, steps: [] };
  const { client, log } = ctx;
  const t0 = Date.now();
  let server: Server | undefined;
  const heapDiff = o.heapDiff.has(spec.name);
  try {
    server = await startServer(spec, ctx.tmp, ctx.sinkPort, o.budgetS);
    r.startMs = Date.now() - t0;
    const pinned = o.pin ? pinSplit([server.pid], ctx.loadPids) : null;
    log(`${spec.name}: pid ${server.pid} listening after ${r.startMs} ms${pinned ? `; ${pinned}` : ''}`);
    const kind = spec.kind === 'limbo' ? 'limbo' : 'raw';
    const protocol = spec.protocol ?? 769;
    const prefix = `r${round}${spec.name.replace(/[^a-z0-9]/g, '').slice(-4)}p`;
    const warm = await client.call<OpenResult>('open', { kind, port: server.port, protocol, count: o.warmup, concurrency: 16, prefix } satisfies OpenArgs, 60_000);
    r.warmup = warm.ok;
    if (warm.ok === 0) throw new Error(`no warm-up player got in: ${JSON.stringify(warm.errors)}`);
    if (warm.failed > 0) log(`${spec.name}: !! warm-up: ${warm.failed} failed: ${JSON.stringify(warm.errors)}`);
    let players = 0;
    const tracker = new RssMin(server.pid);
    try {
      await waitQuiet(server, t0, 20, 10, 50, log, spec.name);
      tracker.take(); // the phase starts once start-up memory is given back
      const base = await measureMem(server, 20);
      if (heapDiff) await probe(server, { op: 'snapshot', file: path.join(server.probeDir, 'base.heapsnapshot') }, 120_000);
      await waitQuiet(server, Date.now(), 0, 9, 25, log, spec.name);
      if (o.idleS > 0) {
        const prof = o.cpuProf && spec.kind !== 'floor' ? path.join(o.cpuProf, `${spec.name}-r${round}-base.cpuprofile`) : undefined;
        const { profile, ...win } = await idleWindow(server, client, o.idleS, prof);
        r.idleBase = win;
        log(`${spec.name}: idle ${o.idleS} s with the ${win.held} warm-up players: CPU ${win.cpuMs.toFixed(1)} ms = ${win.cpuMsPerSec.toFixed(2)} ms/s, main thread woke ${win.wakeupsPerSec.toFixed(0)}/s (threads ${threadsText(win.byThread)}); keepalives answered ${win.keepAlivesAnswered}`);
        if (profile) log(`${spec.name}: CPU profile, warm-up-only window:\n${profile.top.slice(0, 8).map((t) => `    ${t.selfMs.toFixed(1).padStart(8)} ms ${t.pct.toFixed(1).padStart(5)}%  ${t.fn}`).join('\n')}`);
      }
      base.rssMinKiB = tracker.take();
      r.base = base;
      log(`${spec.name}: ${warm.ok} warm-up players held; baseline RSS ${(base.rssSettledKiB / 1024).toFixed(1)} MiB settled, ${(base.rssMinKiB / 1024).toFixed(1)} MiB lowest of the phase, heap used ${(base.heapUsed / 1048576).toFixed(1)} MiB after GC`);
      for (const [i, target] of o.steps.entries()) {
        const add = target - players;
        const cpu0 = cpuSeconds(server.pid);
        const load0 = cpuSeconds(ctx.loadPids[1]!);
        const res = await client.call<OpenResult>('open', { kind, port: server.port, protocol, count: add, concurrency: o.concurrency, prefix } satisfies OpenArgs, 30_000 + add * 200);
        const cpuJoin = cpuSeconds(server.pid) - cpu0;
        const loadJoin = cpuSeconds(ctx.loadPids[1]!) - load0;
        tracker.take(); // samples taken during the joins belong to no phase
        players += res.ok;
        await sleep(o.settleS * 1000);
        const mem = await measureMem(server, 12);
        await waitQuiet(server, Date.now(), 0, 9, 25, log, spec.name);
        const lastStep = i === o.steps.length - 1;
        if (lastStep && o.idleS > 0 && r.idleBase) {
          const prof = o.cpuProf && spec.kind !== 'floor' ? path.join(o.cpuProf, `${spec.name}-r${round}.cpuprofile`) : undefined;
          const { profile, ...win } = await idleWindow(server, client, o.idleS, prof);
          if (profile) r.cpuProfile = profile;
          r.idle = { ...win, addedCpuMsPerSecPer1000: players > 0 ? ((win.cpuMsPerSec - r.idleBase.cpuMsPerSec) * 1000) / players : NaN };
          log(
            `${spec.name}: idle ${o.idleS} s with ${win.held} held: CPU ${win.cpuMs.toFixed(1)} ms = ${win.cpuMsPerSec.toFixed(2)} ms/s, main thread woke ${win.wakeupsPerSec.toFixed(0)}/s; minus the warm-up-only window: ${r.idle.addedCpuMsPerSecPer1000.toFixed(2)} ms/s per 1000 players added ` +
              `(threads ${threadsText(win.byThread)}); keepalives answered ${win.keepAlivesAnswered}; still held ${win.heldAfter}${win.lost ? `; LOST ${win.lost}: ${JSON.stringify(win.lostReasons)}` : ''}`,
          );
          if (r.cpuProfile) log(`${spec.name}: CPU profile over the idle window (${prof}):\n${r.cpuProfile.top.map((t) => `    ${t.selfMs.toFixed(1).padStart(8)} ms ${t.pct.toFixed(1).padStart(5)}%  ${t.fn}`).join('\n')}`);
        }
        mem.rssMinKiB = tracker.take();
        const prev = r.steps.at(-1)?.mem ?? base;
        const step: StepResult = {
          players,
          added: add,
          ok: res.ok,
          failed: res.failed,
          errors: res.errors,
          joinMs: res.ms,
          joinsPerSec: res.ok / (res.ms / 1000),
          cpuMsPerJoin: res.ok > 0 ? (cpuJoin * 1000) / res.ok : NaN,
          loadCpuMsPerJoin: res.ok > 0 ? (loadJoin * 1000) / res.ok : NaN,
          mem,
          kbPerPlayerSettled: (mem.rssSettledKiB - base.rssSettledKiB) / players,
          kbPerPlayer: (mem.rssMinKiB - base.rssMinKiB) / players,
          kbMarginal: res.ok > 0 ? (mem.rssMinKiB - prev.rssMinKiB) / res.ok : NaN,
          heapUsedPerPlayer: (mem.heapUsed - base.heapUsed) / players,
          heapTotalPerPlayer: (mem.heapTotal - base.heapTotal) / players,
          externalPerPlayer: (mem.external - base.external) / players,
        };
        r.steps.push(step);
        log(
          `${spec.name}: ${players} held (+${res.ok}${res.failed ? `, ${res.failed} FAILED: ${JSON.stringify(res.errors).slice(0, 300)}` : ''}) in ${(res.ms / 1000).toFixed(2)} s = ${step.joinsPerSec.toFixed(0)}/s, ` +
            `${step.cpuMsPerJoin.toFixed(2)} server CPU ms/join (load ${step.loadCpuMsPerJoin.toFixed(2)}); RSS/player ${step.kbPerPlayer.toFixed(1)} KB (lowest of the phase; ${step.kbPerPlayerSettled.toFixed(1)} KB settled, before GC; this step's players alone: ${step.kbMarginal.toFixed(1)} KB) ` +
            `(after GC: heap used ${(step.heapUsedPerPlayer / 1024).toFixed(1)} KB, heap total ${(step.heapTotalPerPlayer / 1024).toFixed(1)} KB, external ${(step.externalPerPlayer / 1024).toFixed(1)} KB per player)`,
        );
      }
    } finally {
      tracker.stop();
    }
    if (heapDiff) {
      const after = path.join(server.probeDir, 'after.heapsnapshot');
      await probe(server, { op: 'snapshot', file: after }, 180_000);
      const d = diffSnapshots(summarizeSnapshot(path.join(server.probeDir, 'base.heapsnapshot')), summarizeSnapshot(after), players, 30);
      r.heapDiff = { totalPerPlayer: d.total, rows: d.rows };
      log(`${spec.name}: heap snapshot diff, self bytes per player ${d.total.toFixed(0)} (RSS figures of this config are disturbed by the snapshots):\n${d.rows.map((x) => `    ${x.bytesPerPlayer.toFixed(0).padStart(7)} B ${x.countPerPlayer.toFixed(2).padStart(7)} objs  ${x.key}`).join('\n')}`);
    }
  } catch (e) {
    r.error = (e as Error).message;
    log(`${spec.name}: !! ${r.error}${server ? `\n--- log tail ---\n${tail(server.log, 20)}` : ''}`);
  } finally {
    await client.call('closeAll', {}, 20_000).catch(() => undefined);
    if (server) {
      if (o.pin) unpin([server.pid]);
      await server.stop();
    }
  }
  return r;
}

const median = (xs: number[]): number => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
};
const f = (x: number, d = 1): string => (Number.isFinite(x) ? x.toFixed(d) : '–');
const range = (xs: number[], d = 1): string => (xs.length > 1 ? ` (${f(Math.min(...xs), d)}–${f(Math.max(...xs), d)})` : '');

function report(results: ConfigResult[], o: Opts): string {
  const lines: string[] = [];
  const byConfig = new Map<string, ConfigResult[]>();
  for (const r of results) byConfig.set(r.config, [...(byConfig.get(r.config) ?? []), r]);
  const last = (r: ConfigResult) => r.steps.at(-1);
  const med = (name: string, pick: (r: ConfigResult) => number | undefined): { m: number; all: number[] } => {
    const all = (byConfig.get(name) ?? []).filter((r) => !r.error).map(pick).filter((x): x is number => x !== undefined && Number.isFinite(x));
    return { m: median(all), all };
  };
  lines.push(`Held at ${o.players} (+ ${o.warmup} warm-up in the baseline), joins at c=${o.concurrency}; medians over ${o.rounds} round(s)${o.rounds > 1 ? ' (min–max)' : ''}:`);
  lines.push('');
  lines.push(`| config | held | KB/player (RSS) | last step's players alone | heap used | heap total | external | joins/s | CPU ms/join | idle CPU ms/s: warm-up only → all | added per 1000 players | loop wake-ups/s: warm-up only → all | keepalives in idle | lost |`);
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const spec of o.configs) {
    const rs = byConfig.get(spec.name) ?? [];
    const bad = rs.find((r) => r.error);
    if (rs.length === 0 || rs.every((r) => r.error)) {
      lines.push(`| ${spec.name} | unavail.: ${bad?.error?.slice(0, 80) ?? 'not run'} ||||||||||||`);
      continue;
    }
    const gc = med(spec.name, (r) => last(r)?.kbPerPlayer);
    const mg = med(spec.name, (r) => last(r)?.kbMarginal);
    const hu = med(spec.name, (r) => last(r)?.heapUsedPerPlayer);
    const ht = med(spec.name, (r) => last(r)?.heapTotalPerPlayer);
    const ex = med(spec.name, (r) => last(r)?.externalPerPlayer);
    const js = med(spec.name, (r) => {
      const ok = r.steps.reduce((a, s) => a + s.ok, 0);
      const ms = r.steps.reduce((a, s) => a + s.joinMs, 0);
      return ms > 0 ? ok / (ms / 1000) : undefined;
    });
    const cj = med(spec.name, (r) => {
      const ok = r.steps.reduce((a, s) => a + s.ok, 0);
      return ok > 0 ? r.steps.reduce((a, s) => a + s.cpuMsPerJoin * s.ok, 0) / ok : undefined;
    });
    const idle = med(spec.name, (r) => r.idle?.cpuMsPerSec);
    const idle0 = med(spec.name, (r) => r.idleBase?.cpuMsPerSec);
    const idle1k = med(spec.name, (r) => r.idle?.addedCpuMsPerSecPer1000);
    const ka = med(spec.name, (r) => r.idle?.keepAlivesAnswered);
    const wk0 = med(spec.name, (r) => r.idleBase?.wakeupsPerSec);
    const wk = med(spec.name, (r) => r.idle?.wakeupsPerSec);
    const lost = rs.reduce((a, r) => a + (r.idle?.lost ?? 0), 0);
    const held = med(spec.name, (r) => (last(r)?.players ?? 0) + (r.warmup ?? 0));
    lines.push(
      `| ${spec.name} | ${f(held.m, 0)} | **${f(gc.m)}**${range(gc.all)} | ${f(mg.m)}${range(mg.all)} | ${f(hu.m / 1024)} | ${f(ht.m / 1024)} | ${f(ex.m / 1024)} | ${f(js.m, 0)}${range(js.all, 0)} | ${f(cj.m, 2)} | ${f(idle0.m, 2)} → ${f(idle.m, 2)}${range(idle.all, 2)} | ${f(idle1k.m, 2)}${range(idle1k.all, 2)} | ${f(wk0.m, 0)} → ${f(wk.m, 0)} | ${f(ka.m, 0)} | ${lost} |`,
    );
  }
  lines.push('');
  lines.push(
    'KB/player (RSS) = (lowest VmRSS of the phase with the players − the baseline phase\'s) / players added, in KiB; a phase runs from the end of a join burst through forced full GCs, a quiet wait (no drop for 9 s) and, for the baseline and the last step, the idle window. ' +
      'Last step\'s players alone: (the last phase − the one before) / the players that step added, which leaves out the slack a process absorbs first. ' +
      'Heap used/total, external: process.memoryUsage() after a full GC, KB per player. Idle CPU: the server process, all threads, over an idle window with the warm-up players only, then over one with every player; added per 1000 players = the difference × 1000 / players added. ' +
      'Loop wake-ups: voluntary context switches of the main thread per second (each one return from epoll_wait).',
  );
  // Curve.
  lines.push('');
  lines.push(`Curve by players added: KB/player (RSS) [this step's players alone] {heap used per player after GC}:`);
  lines.push('');
  lines.push(`| config | ${o.steps.join(' | ')} |`);
  lines.push(`|---|${o.steps.map(() => '---').join('|')}|`);
  for (const spec of o.configs) {
    const cells = o.steps.map((_, i) => {
      const g = med(spec.name, (r) => r.steps[i]?.kbPerPlayer);
      const mg = med(spec.name, (r) => r.steps[i]?.kbMarginal);
      const hu = med(spec.name, (r) => r.steps[i]?.heapUsedPerPlayer);
      return `${f(g.m)} [${f(mg.m)}] {${f(hu.m / 1024)}}`;
    });
    lines.push(`| ${spec.name} | ${cells.join(' | ')} |`);
  }
  // Ratios.
  const kb = (n: string) => med(n, (r) => last(r)?.kbPerPlayer).m;
  const kbLast = (n: string) => med(n, (r) => last(r)?.kbMarginal).m;
  const jps = (n: string) => med(n, (r) => {
    const ok = r.steps.reduce((a, s) => a + s.ok, 0);
    const ms = r.steps.reduce((a, s) => a + s.joinMs, 0);
    return ms > 0 ? ok / (ms / 1000) : undefined;
  }).m;
  lines.push('');
  lines.push('Ratios (medians of KB/player (RSS)):');
  for (const spec of o.configs.filter((c) => c.kind === 'limbo')) {
    const parts: string[] = [];
    for (const base of ['passthrough', 'floor']) {
      if (!o.configs.some((c) => c.name === base)) continue;
      parts.push(`${f(kb(spec.name) / kb(base), 2)}× ${base}'s KB/connection`);
    }
    if (o.configs.some((c) => c.name === 'passthrough')) parts.push(`joins/s ${f(jps(spec.name) / jps('passthrough'), 2)}× passthrough's connections/s`);
    lines.push(`- ${spec.name}: ${parts.join(', ')}`);
  }
  if (o.configs.some((c) => c.name === 'passthrough') && o.configs.some((c) => c.name === 'floor')) lines.push(`- passthrough: ${f(kb('passthrough') / kb('floor'), 2)}× floor's KB/connection`);
  lines.push('');
  lines.push(`Target: ≤ ${TARGET_KB} KB per held player at ${o.players} players (KB/player (RSS)):`);
  for (const spec of o.configs.filter((c) => c.kind === 'limbo')) {
    const v = kb(spec.name);
    if (!Number.isFinite(v)) lines.push(`- ${spec.name}: no figure`);
    else if (v <= TARGET_KB) lines.push(`- ${spec.name}: PASS, ${f(v)} KB (last step's players alone: ${f(kbLast(spec.name))} KB)`);
    else lines.push(`- ${spec.name}: MISS, ${f(v)} KB = ${f(v - TARGET_KB)} KB (${f(((v - TARGET_KB) / TARGET_KB) * 100, 0)}%) over (last step's players alone: ${f(kbLast(spec.name))} KB)`);
  }
  return lines.join('\n');
}

function gitRev(): string {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${rev} + uncommitted changes` : rev;
  } catch {
    return 'not git';
  }
}

async function main(): Promise<void> {
  const o = parse();
  const t0 = Date.now();
  const log = (m: string): void => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${m}`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infrarust-limbo-bench-'));
  const results: ConfigResult[] = [];
  const meta = { date: new Date().toISOString(), rev: gitRev(), node: process.version, cpus: os.cpus().length, loadavg: os.loadavg(), options: { ...o, configs: o.configs.map((c) => c.name), heapDiff: [...o.heapDiff] } };
  let finished = false;
  const cleanup = (): void => {
    if (!o.keep) fs.rmSync(tmp, { recursive: true, force: true });
  };
  const finish = (aborted: string | null): void => {
    if (finished) return;
    finished = true;
    console.log(`\n${report(results, o)}`);
    if (aborted) console.log(`\nABORTED: ${aborted}`);
    fs.mkdirSync(path.dirname(o.json), { recursive: true });
    fs.writeFileSync(o.json, `${JSON.stringify({ ...meta, durationSec: (Date.now() - t0) / 1000, aborted, results }, null, 2)}\n`);
    console.log(`\nresults: ${path.relative(process.cwd(), o.json)}${o.keep ? `; temp dir kept: ${tmp}` : ''}`);
  };
  installExitHandlers(() => {
    killAllSync();
    finish('interrupted by a signal');
    cleanup();
  });
  const deadline = setTimeout(() => {
    log(`!! budget of ${o.budgetS} s reached; stopping`);
    killAllSync();
    finish(`budget of ${o.budgetS} s reached`);
    cleanup();
    process.exit(3);
  }, o.budgetS * 1000);
  log(`node ${process.version}, ${meta.cpus} CPUs, load ${meta.loadavg.map((x) => x.toFixed(2)).join(' ')}; ${meta.rev}`);
  log(`configs ${o.configs.map((c) => c.name).join(', ')}; steps ${o.steps.join(', ')} (+${o.warmup} warm-up); idle ${o.idleS} s; rounds ${o.rounds}; budget ${o.budgetS} s`);
  const startRole = (name: string): ChildProcess =>
    track(fork(SELF, [], { execArgv: ['--import', 'tsx'], env: { ...process.env, LIMBO_BENCH_ROLE: name }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const clientProc = startRole('client');
  const sinkProc = startRole('sink');
  try {
    await waitReady(clientProc, 'client', 20_000);
    const { port: sinkPort } = await waitReady<{ port: number }>(sinkProc, 'sink', 20_000);
    const client = new ChildRpc(clientProc, 'client');
    const ctx = { tmp, sinkPort, client, loadPids: [process.pid, clientProc.pid!, sinkProc.pid!], log };
    for (let round = 0; round < o.rounds; round++) {
      const k = round % o.configs.length;
      const order = [...o.configs.slice(k), ...o.configs.slice(0, k)];
      for (const spec of order) results.push(await runConfig(spec, round, o, ctx));
    }
    finish(null);
  } catch (e) {
    log(`!! ${(e as Error).stack ?? String(e)}`);
    finish((e as Error).message);
    process.exitCode = 1;
  } finally {
    clearTimeout(deadline);
    await Promise.all([clientProc, sinkProc].map((c) => stopChild(c, 1000)));
    killAllSync();
    cleanup();
  }
  process.exit(process.exitCode ?? 0);
}

// Last, so every module-level const above is initialised before main() runs.
if (role === 'client') runClient();
else if (role === 'sink') runSink();
else await main();
