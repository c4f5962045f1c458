// Benchmark harness: direct vs node-pipe vs infrarust vs haproxy on 127.0.0.1, in one run,
// plus Infrarust with and without its security plugins (workload `security`).
//   npm run bench [-- --quick] [--only throughput,conn,idle,security] [--paths direct,node-pipe,...]
//                 [--rounds N] [--bytes MiB] [--conns N] [--concurrency N] [--idle-conns N]
//                 [--no-install] [--keep] [--json FILE] [--compare DIR]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ChildRpc, waitReady } from './lib/ipc.ts';
import { checkBase, compareRows, gitRev, renderCompare, type BaseCheckout } from './lib/compare.ts';
import { ALL_PATHS, BASE_PATH, Relays, STEADY_GLIBC_TUNABLES, STEADY_V8_FLAGS, findHaproxy, reapStale, type PathName } from './lib/paths.ts';
import { CLK_TCK, installExitHandlers, killAllSync, stopChild, track } from './lib/proc.ts';
import { ratios, render, summarize, summarizeSecurity, targets } from './lib/report.ts';
import { MiB, emptyResults, type BenchOptions, type Ctx } from './lib/types.ts';
import { connRate } from './workloads/conn-rate.ts';
import { idleMemory } from './workloads/idle-memory.ts';
import { INTERCEPTED_CONFIGS, intercepted } from './workloads/intercepted.ts';
import { interceptedTargets } from './lib/intercepted-report.ts';
import { securityCost } from './workloads/security.ts';
import { metricsCost } from './workloads/metrics.ts';
import { throughput } from './workloads/throughput.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = path.join(REPO, 'bench', '.work');

const WORKLOADS = {
  throughput: { fn: throughput, aliases: ['throughput', 'bulk', 'tp'] },
  conn: { fn: connRate, aliases: ['conn', 'conns', 'conn-rate', 'cps'] },
  idle: { fn: idleMemory, aliases: ['idle', 'idle-memory', 'rss', 'mem'] },
  security: { fn: securityCost, aliases: ['security', 'sec', 'security-cost', 'plugins'] },
  intercepted: { fn: intercepted, aliases: ['intercepted', 'icp', 'offline', 'client_only'] },
  metrics: { fn: metricsCost, aliases: ['metrics', 'telemetry', 'prom'] },
} as const;
type WorkloadName = keyof typeof WORKLOADS;

const HELP = `usage: npm run bench -- [options]
  --quick             short run (2 rounds, 1,000 connections; < 2 min)
  --only LIST         workloads: throughput,conn,idle,security,intercepted,metrics (default: all)
  --paths LIST        paths: ${ALL_PATHS.join(',')} (default: all; ${BASE_PATH} with --compare)
  --compare DIR       also run DIR/bin/infrarust.mjs (another checkout of this repo, with a
                      node_modules) as the path ${BASE_PATH}, same config and flags as
                      infrarust, in the same rounds; prints infrarust/${BASE_PATH} per metric
                      (throughput, conn, idle; the security workload ignores it)
  --runtime MODE      shipped | steady: how Node relays (infrarust, ${BASE_PATH}, node-pipe) run.
                      steady adds ${STEADY_V8_FLAGS.join(' ')} and GLIBC_TUNABLES=${STEADY_GLIBC_TUNABLES},
                      which remove two per-process modes of a relay's throughput (README); default
                      steady with --compare (build against build), else shipped (what users run)
  --rounds N          samples per workload and path (default 3, quick 2)
  --bytes MiB         bytes per throughput sample (default 512)
  --batch N           64 KiB writes corked per writev by the bulk sender (default 16; 1 = plain)
  --conns N           connections per conn-rate sample (default 10000, quick 1000)
  --concurrency N     conn-rate concurrency (default 32)
  --idle-conns N      idle connections per memory sample (default 1000)
  --sec-rounds N      security workload rounds (default 32, quick 4)
  --sec-pairs N       fresh relay process pairs the security rounds are spread over (default 4, quick 2)
  --pings N           status pings per security sample (default 2500, quick 1000)
  --sec-conns N       connections per security sample (default 2500, quick 1000)
                      (the metrics workload, metrics plugin on vs off, uses --sec-rounds, --sec-pairs,
                      --pings and --sec-conns too)
  --ibytes MiB        intercepted: payload per bulk sample (default 512, quick 64; the re-compressing
                      and encrypting configurations get a quarter)
  --packet-kib N      intercepted: size of one bulk play packet (default 32)
  --joins N           intercepted: full logins per joins sample (default 2000, quick 300; client_only
                      a tenth, at least 100)
  --iconfigs LIST     intercepted: only these configurations (${INTERCEPTED_CONFIGS.map((x) => x.name).join(',')})
  --procs N           throughput and conn: fresh relay processes per path that the rounds are
                      spread over (default: one per round; 1 = one process for all rounds)
  --no-pin            throughput, conn, security: do not give the relays a CPU of their own (by
                      default, with 2+ CPUs, relays run on the last CPU and the load on the rest)
  --haproxy-threads N HAProxy nbthread (default: HAProxy's own, one per CPU)
  --no-install        do not try apt-get install haproxy when it is missing
  --keep              keep the temp dir (configs, relay logs)
  --relay-flags=…     extra node/V8 flags for the Infrarust relays (e.g. --relay-flags=--trace-gc; output
                      lands in each relay's out.log, see --keep)
  --cpu-prof DIR      write V8 CPU profiles of every Infrarust relay under DIR (one folder
                      per relay, one file per thread; the profiler slows relays: rates not comparable
  --json FILE         where to write results (default bench/.work/last.json)
  --budget SEC        hard time limit; children are killed and partial results printed
                      (default 540, quick 115)

standalone benches (their own processes and report; see each file's header):
  node --import tsx bench/idle-scale.ts   idle passthrough connections up to the fd limit
  node --import tsx bench/limbo.ts        players held in the limbo: RSS and idle CPU per player,
                                          limbo joins/s, next to passthrough and a raw Node server`;

function die(msg: string): never {
  console.error(`bench: ${msg}\n\n${HELP}`);
  process.exit(2);
}

function parse() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      paths: { type: 'string' },
      rounds: { type: 'string' },
      bytes: { type: 'string' },
      batch: { type: 'string' },
      conns: { type: 'string' },
      concurrency: { type: 'string' },
      'idle-conns': { type: 'string' },
      'sec-rounds': { type: 'string' },
      'sec-pairs': { type: 'string' },
      pings: { type: 'string' },
      'sec-conns': { type: 'string' },
      ibytes: { type: 'string' },
      'packet-kib': { type: 'string' },
      joins: { type: 'string' },
      iconfigs: { type: 'string' },
      'no-install': { type: 'boolean', default: false },
      'no-pin': { type: 'boolean', default: false },
      procs: { type: 'string' },
      runtime: { type: 'string' },
      'haproxy-threads': { type: 'string' },
      keep: { type: 'boolean', default: false },
      'cpu-prof': { type: 'string' },
      'relay-flags': { type: 'string' },
      json: { type: 'string' },
      compare: { type: 'string' },
      budget: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const int = (v: string | undefined, def: number, name: string, min = 1, max = 1e9) => {
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) die(`--${name} must be an integer in [${min}, ${max}]`);
    return n;
  };
  const quick = values.quick!;
  const opts: BenchOptions = {
    quick,
    rounds: int(values.rounds, quick ? 2 : 3, 'rounds', 1, 50),
    bulkBytes: int(values.bytes, 512, 'bytes', 1, 16384) * MiB,
    writeBatch: int(values.batch, 16, 'batch', 1, 256),
    conns: int(values.conns, quick ? 1000 : 10_000, 'conns', 1, 200_000),
    concurrency: int(values.concurrency, 32, 'concurrency', 1, 1024),
    idleConns: int(values['idle-conns'], 1000, 'idle-conns', 1, 8000),
    secRounds: int(values['sec-rounds'], quick ? 4 : 32, 'sec-rounds', 1, 100),
    secPings: int(values.pings, quick ? 1000 : 2500, 'pings', 1, 200_000),
    secConns: int(values['sec-conns'], quick ? 1000 : 2500, 'sec-conns', 1, 200_000),
    pin: !values['no-pin'],
    procs: values.procs === undefined ? undefined : int(values.procs, 1, 'procs', 1, 50),
    secPairs: int(values['sec-pairs'], quick ? 2 : 4, 'sec-pairs', 1, 20),
    iBytes: int(values.ibytes, quick ? 64 : 512, 'ibytes', 1, 16384) * MiB,
    packetKiB: int(values['packet-kib'], 32, 'packet-kib', 1, 1024),
    joins: int(values.joins, quick ? 300 : 2000, 'joins', 1, 100_000),
    iConfigs: values.iconfigs?.split(',').map((x) => x.trim()).filter(Boolean),
  };
  for (const c of opts.iConfigs ?? []) if (!INTERCEPTED_CONFIGS.some((x) => x.name === c)) die(`unknown intercepted configuration '${c}' (${INTERCEPTED_CONFIGS.map((x) => x.name).join(', ')})`);
  const workloads: WorkloadName[] = [];
  for (const w of (values.only ?? 'throughput,conn,idle,security,intercepted,metrics').split(',').map((x) => x.trim()).filter(Boolean)) {
    const hit = (Object.keys(WORKLOADS) as WorkloadName[]).find((k) => (WORKLOADS[k].aliases as readonly string[]).includes(w));
    if (!hit) die(`unknown workload '${w}'`);
    if (!workloads.includes(hit)) workloads.push(hit);
  }
  const paths: PathName[] = [];
  for (const p of (values.paths ?? ALL_PATHS.join(',')).split(',').map((x) => x.trim()).filter(Boolean)) {
    if (p === BASE_PATH && values.compare === undefined) die(`path '${BASE_PATH}' needs --compare DIR`);
    if (!(ALL_PATHS as string[]).includes(p) && p !== BASE_PATH) die(`unknown path '${p}'`);
    if (!paths.includes(p as PathName)) paths.push(p as PathName);
  }
  let base: BaseCheckout | null = null;
  if (values.compare !== undefined) {
    const b = checkBase(values.compare, REPO);
    if (typeof b === 'string') die(b);
    base = b;
    // Right after infrarust, so the two builds sit side by side in the table.
    if (!paths.includes(BASE_PATH)) paths.splice(paths.includes('infrarust') ? paths.indexOf('infrarust') + 1 : paths.length, 0, BASE_PATH);
  }
  const runtime = values.runtime ?? (base ? 'steady' : 'shipped');
  if (runtime !== 'steady' && runtime !== 'shipped') die(`--runtime must be shipped or steady`);
  const haproxyThreads = values['haproxy-threads'] === undefined ? undefined : int(values['haproxy-threads'], 0, 'haproxy-threads', 1, 64);
  const budgetSec = int(values.budget, quick ? 115 : 540, 'budget', 5, 3600);
  const cpuProfDir = values['cpu-prof'] === undefined ? undefined : path.resolve(values['cpu-prof']);
  const relayFlags = (values['relay-flags'] ?? '').split(/\s+/).filter(Boolean);
  return { opts, workloads, paths, base, steady: runtime === 'steady', budgetSec, haproxyThreads, cpuProfDir, relayFlags, install: !values['no-install'], keep: values.keep!, json: values.json ?? path.join(WORK, 'last.json') };
}

async function startHelper(file: string, label: string) {
  // Client and sink are separate processes: the harness only orchestrates and reads /proc.
  const child = track(spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'bench/lib', file)], {
    cwd: REPO,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  }));
  const ready = await waitReady<{ port?: number; loginPorts?: Record<string, number>; sessionPort?: number }>(child, label, 20_000);
  return { child, rpc: new ChildRpc(child, label), port: ready.port, ready };
}

async function main() {
  const cfg = parse();
  const t0 = Date.now();
  const log = (m: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)}s] ${m}`);
  fs.mkdirSync(WORK, { recursive: true });
  reapStale(WORK);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'infrarust-bench-'));
  const results = emptyResults();
  let relays: Relays | null = null;
  let finished = false;

  const cleanupTmp = () => {
    if (!cfg.keep) fs.rmSync(tmp, { recursive: true, force: true });
  };
  let finish: (aborted: string | null) => void = () => {};
  installExitHandlers(() => {
    killAllSync();
    finish('interrupted by a signal');
    cleanupTmp();
  });

  const hp = cfg.paths.includes('haproxy') ? findHaproxy(cfg.install, log) : { bin: null, why: 'not selected' };
  const meta = {
    date: new Date().toISOString(),
    host: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, loadavg: os.loadavg(), kernel: os.release(), clkTck: CLK_TCK },
    node: process.version,
    haproxy: hp.bin ? { bin: hp.bin, version: hp.version } : { skipped: hp.why },
    infrarustRev: gitRev(REPO),
    compare: cfg.base ? { dir: cfg.base.root, rev: cfg.base.rev } : undefined,
    options: { ...cfg.opts, runtime: cfg.steady ? { mode: 'steady', v8Flags: STEADY_V8_FLAGS, glibcTunables: STEADY_GLIBC_TUNABLES } : 'shipped', workloads: cfg.workloads, paths: cfg.paths, haproxyThreads: cfg.haproxyThreads ?? 'default (one per CPU)' },
  };
  log(`node ${process.version}, ${meta.host.cpus} CPUs, load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; haproxy: ${hp.bin ? hp.version ?? hp.bin : `SKIPPED (${hp.why})`}`);
  log(`workloads ${cfg.workloads.join(', ')}; paths ${cfg.paths.join(', ')}; rounds ${cfg.opts.rounds}; ` +
    `${cfg.opts.bulkBytes / MiB} MiB/sample; ${cfg.opts.conns} conns/sample at c=${cfg.opts.concurrency}; ${cfg.opts.idleConns} idle conns` +
    (cfg.workloads.includes('security') ? `; security: ${cfg.opts.secRounds} rounds of ${cfg.opts.secPings} pings + ${cfg.opts.secConns} conns` : ''));
  log(`Node relays: runtime ${cfg.steady ? `steady (${STEADY_V8_FLAGS.join(' ')}, GLIBC_TUNABLES=${STEADY_GLIBC_TUNABLES})` : 'shipped (as users run them)'}`);
  if (cfg.base) log(`compare: infrarust = ${REPO} (${meta.infrarustRev ?? 'not git'}), ${BASE_PATH} = ${cfg.base.root} (${cfg.base.rev ?? 'not git'})`);

  finish = (aborted: string | null) => {
    if (finished) return;
    finished = true;
    const unavailable = relays?.unavailable ?? new Map<PathName, string>();
    if (!cfg.paths.includes('haproxy')) unavailable.delete('haproxy');
    for (const p of [...unavailable.keys()]) if (!cfg.paths.includes(p)) unavailable.delete(p);
    if (aborted) results.notes.push(`ABORTED: ${aborted}`);
    const s = summarize(results);
    const cmp = cfg.base ? compareRows(results, s) : null;
    console.log(`\n${render(results, cfg.paths, unavailable, cfg.opts.concurrency, cmp && cfg.base ? renderCompare(cmp, meta.infrarustRev, cfg.base) : undefined)}`);
    const json = {
      ...meta,
      durationSec: (Date.now() - t0) / 1000,
      aborted,
      unavailable: Object.fromEntries(unavailable),
      summary: s,
      ratios: ratios(s).filter((r) => r.value !== null),
      compareRatios: cmp ?? undefined,
      targets: targets(s),
      samples: results.samples,
      extra: results.extra,
      security: results.security ? { samples: results.security, summary: summarizeSecurity(results.security) } : undefined,
      intercepted: results.intercepted ? { ...results.intercepted, targets: interceptedTargets(results.intercepted) } : undefined,
      notes: results.notes,
    };
    fs.mkdirSync(path.dirname(cfg.json), { recursive: true });
    fs.writeFileSync(cfg.json, `${JSON.stringify(json, null, 2)}\n`);
    console.log(`\nresults: ${path.relative(process.cwd(), cfg.json) || cfg.json}${cfg.keep ? `; temp dir kept: ${tmp}` : ''}`);
  };

  // Hard deadline: everything stops by itself.
  const budgetMs = cfg.budgetSec * 1000;
  const deadline = setTimeout(() => {
    log(`!! deadline of ${budgetMs / 1000} s reached; stopping`);
    killAllSync();
    finish(`deadline of ${budgetMs / 1000} s reached`);
    cleanupTmp();
    process.exit(3);
  }, budgetMs);

  let sink: Awaited<ReturnType<typeof startHelper>> | null = null;
  let client: Awaited<ReturnType<typeof startHelper>> | null = null;
  try {
    [sink, client] = await Promise.all([startHelper('sink.ts', 'sink'), startHelper('client.ts', 'client')]);
    relays = new Relays({ repoRoot: REPO, workDir: WORK, tmp, sinkPort: sink.port!, haproxyBin: hp.bin, haproxyThreads: cfg.haproxyThreads, cpuProfDir: cfg.cpuProfDir, relayFlags: cfg.relayFlags, baseRoot: cfg.base?.root, steady: cfg.steady, client: client.rpc, log });
    if (!hp.bin && cfg.paths.includes('haproxy')) log(`!! haproxy column skipped: ${hp.why}`);
    const sinkPorts = sink.ready.loginPorts && sink.ready.sessionPort ? { login: sink.ready.loginPorts, session: sink.ready.sessionPort } : undefined;
    const ctx: Ctx = { opts: cfg.opts, paths: cfg.paths, relays, client: client.rpc, sink: sink.rpc, loadPids: [process.pid, sink.child.pid!, client.child.pid!], sinkPorts, results, log };
    for (const w of cfg.workloads) {
      const tw = Date.now();
      log(`== ${w}`);
      ctx.paths = relays.available(cfg.paths);
      await WORKLOADS[w].fn(ctx);
      log(`   ${w} took ${((Date.now() - tw) / 1000).toFixed(1)} s`);
    }
    finish(null);
  } catch (e) {
    log(`!! ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    finish(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  } finally {
    clearTimeout(deadline);
    await Promise.all([client, sink].map((h) => (h ? stopChild(h.child, 1000) : undefined)));
    killAllSync();
    cleanupTmp();
  }
  process.exit(process.exitCode ?? 0);
}

void main();
