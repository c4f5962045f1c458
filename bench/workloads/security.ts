// Security plugins cost: the same Infrarust in two configurations, side by side in one run.
//   infrarust        ip-filter, rate-limit and ban active and doing real work: [rate_limit]
//                    enabled with budgets never reached, a global [ip_filter] blacklist, a
//                    bans.json of ~1,000 bans (none matching the bench client)
//   infrarust-nosec  [plugins.ip-filter|rate-limit|ban] enabled = false
// Both run side by side (a fresh pair of processes every few rounds, --sec-pairs); each round measures status pings/s (handshake next state 1,
// Status Request, read the Status Response, Ping/Pong, close) and then connections/s (as the
// conn workload), the two configurations back to back in a rotating order. The relay's CPU
// (per-thread schedstat, /proc) per ping and per connection is recorded too. With 2+ CPUs the
// relays get the last CPU to themselves and the load generators the others (--no-pin to turn it
// off): without that, where the scheduler happens to put the client and the sink moves a
// relay's CPU per connection by ±30% from one sample to the next.
// Last, bench/lib/hook-cost.ts measures the plugins' own CPU per connection in-process (no
// sockets, no scheduler), which tells how much of the difference is the plugins' code.
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BANNED_NAME, type Relay } from '../lib/paths.ts';
import { cpuSeconds, pinSplit, unpin, userSysSeconds } from '../lib/proc.ts';
import { rotate, SEC_CONFIGS, type Ctx, type SecConfig, type SecurityResults } from '../lib/types.ts';

interface RunResult { ms: number; ok: number; failed: number; firstError?: string; p50ms: number; p99ms: number }
interface Probe { bytes: number; head: string; reachedSink: boolean; error?: string }

export async function securityCost(ctx: Ctx): Promise<void> {
  const { opts, client, sink, log } = ctx;
  const sec: SecurityResults = (ctx.results.security = {
    pings_per_s: {},
    conn_per_s: {},
    paired_ping_ratio: [],
    paired_conn_ratio: [],
    cpu_us_per_ping: {},
    cpu_us_per_conn: {},
    paired_ping_cpu_ratio: [],
    paired_conn_cpu_ratio: [],
    pinning: null,
    hook_ns: null,
    user_sys_s: {},
    checks: [],
    errors: [],
  });
  const fail = (msg: string) => {
    sec.errors.push(msg);
    log(`!! security: ${msg}`);
  };
  const run = (kind: 'pings' | 'conns', port: number, count: number) =>
    client.call<RunResult>(kind, { port, count, concurrency: opts.concurrency, perConnTimeoutMs: 10_000 }, 120_000);
  const settle = () => sink.call('waitOpenAtMost', { max: 0, timeoutMs: 5000 }, 10_000);

  // Rounds are spread over several fresh pairs of relay processes: one process can run a few
  // percent faster or slower than another with the same config for its whole life (heap and
  // code layout, hash seeds), which a single pair would read as a cost or a saving.
  const pairs = Math.min(opts.secPairs, opts.secRounds);
  let round = 0;
  for (let pair = 0; pair < pairs; pair++) {
    const rounds = Math.floor(opts.secRounds / pairs) + (pair < opts.secRounds % pairs ? 1 : 0);
    const ok = await onePair(pair, rounds);
    if (!ok) break;
  }
  sec.hook_ns = await hookCost(ctx.relays.repoRoot, fail);
  if (sec.hook_ns) log(`  security   plugin hooks in-process: ${(sec.hook_ns.ping.on - sec.hook_ns.ping.off).toFixed(0)} ns per ping, ${(sec.hook_ns.login.on - sec.hook_ns.login.off).toFixed(0)} ns per login`);

  /** Starts both relays, checks them (first pair), warms up, runs `rounds` rounds, stops both. */
  async function onePair(pair: number, rounds: number): Promise<boolean> {
    const relays = new Map<SecConfig, Relay>();
    let pinned = false;
    try {
      const [a, b] = await Promise.all([ctx.relays.start('infrarust', 'security'), ctx.relays.start('infrarust', 'nosec')]);
      if (a) relays.set('infrarust', a);
      else fail(`infrarust (security plugins on) did not start: ${ctx.relays.profileErrors.get('security') ?? 'unavailable'}`);
      if (b) relays.set('infrarust-nosec', b);
      else fail(`infrarust-nosec did not start: ${ctx.relays.profileErrors.get('nosec') ?? 'unavailable'}`);
      if (!a || !b) return false;
      log(`  security   pair ${pair + 1}/${pairs} started: infrarust ${a.startMs} ms, infrarust-nosec ${b.startMs} ms`);
      if (opts.pin) {
        const how = pinSplit([a.pid!, b.pid!], ctx.loadPids);
        pinned = how !== null;
        if (pair === 0) sec.pinning = how;
        if (pair === 0) log(`  security   CPU pinning: ${how ?? 'off'}`);
      }
      if (pair === 0 && !(await checkPlugins(relays))) return false;
      const warm = Math.min(1000, Math.max(opts.secPings, opts.secConns));
      for (const [cfg, r] of relays) {
        for (const kind of ['pings', 'conns'] as const) {
          const res = await run(kind, r.port, warm);
          await settle();
          if (res.ok === 0) {
            fail(`${cfg} warm-up ${kind}: nothing succeeded (${res.firstError})`);
            return false;
          }
        }
      }
      for (let i = 0; i < rounds; i++, round++) await oneRound(relays, round);
      return true;
    } finally {
      if (pinned) unpin(ctx.loadPids);
      await Promise.all([...relays.values()].map((r) => r.stop()));
    }
  }

  // The plugins must be doing their work: a banned name is refused with security on and
  // reaches the sink with it off; the bench client's own name reaches the sink in both.
  async function checkPlugins(relays: Map<SecConfig, Relay>): Promise<boolean> {
    let good = true;
    for (const [cfg, r] of relays) {
      const banned = await client.call<Probe>('probeLogin', { port: r.port, name: BANNED_NAME, timeoutMs: 5000 }, 10_000);
      const normal = await client.call<Probe>('probeLogin', { port: r.port, name: 'bench_ping', timeoutMs: 5000 }, 10_000);
      const wantBanned = cfg === 'infrarust';
      const okBanned = banned.reachedSink !== wantBanned;
      const msg = `${cfg}: login as ${BANNED_NAME} ${banned.reachedSink ? 'reached the sink' : `refused (${banned.bytes} bytes back${banned.error ? `, ${banned.error}` : ''})`}; ` +
        `as bench_ping ${normal.reachedSink ? 'reached the sink' : `FAILED (${normal.bytes} bytes, ${normal.error ?? 'no sink reply'})`}`;
      sec.checks.push(`${okBanned && normal.reachedSink ? 'ok' : 'UNEXPECTED'}: ${msg}`);
      log(`  security   check ${okBanned && normal.reachedSink ? 'ok' : 'UNEXPECTED'}: ${msg}`);
      if (!okBanned) fail(`${cfg}: the ban plugin is ${wantBanned ? 'not enforcing' : 'still enforcing'} (${msg})`);
      if (!normal.reachedSink) fail(`${cfg}: a normal login did not reach the sink`);
      good &&= normal.reachedSink;
      await settle();
    }
    return good;
  }

  async function oneRound(relays: Map<SecConfig, Relay>, round: number): Promise<void> {
    for (const kind of ['pings', 'conns'] as const) {
      const got = new Map<SecConfig, number>();
      const cpu = new Map<SecConfig, number>();
      for (const cfg of rotate(SEC_CONFIGS, round)) {
        const r = relays.get(cfg)!;
        const count = kind === 'pings' ? opts.secPings : opts.secConns;
        const c0 = cpuSeconds(r.pid!);
        const us0 = userSysSeconds(r.pid!);
        const res = await run(kind, r.port, count);
        const c1 = cpuSeconds(r.pid!);
        const us1 = userSysSeconds(r.pid!);
        await settle();
        if (res.failed) fail(`${cfg} round ${round + 1}: ${res.failed}/${count} ${kind} failed (first: ${res.firstError})`);
        if (res.ok === 0) continue;
        const split = ((sec.user_sys_s[kind] ??= {})[cfg] ??= { user: 0, sys: 0, ops: 0 });
        split.user += us1.user - us0.user;
        split.sys += us1.sys - us0.sys;
        split.ops += res.ok;
        const rate = res.ok / (res.ms / 1000);
        const cpuUs = ((c1 - c0) * 1e6) / res.ok;
        got.set(cfg, rate);
        cpu.set(cfg, cpuUs);
        ((kind === 'pings' ? sec.pings_per_s : sec.conn_per_s)[cfg] ??= []).push(rate);
        ((kind === 'pings' ? sec.cpu_us_per_ping : sec.cpu_us_per_conn)[cfg] ??= []).push(cpuUs);
        log(`  security   r${round + 1} ${kind.padEnd(5)} ${cfg.padEnd(15)} ${rate.toFixed(0).padStart(6)}/s  relay CPU ${cpuUs.toFixed(0).padStart(4)} µs each  p50 ${res.p50ms.toFixed(2)} ms  p99 ${res.p99ms.toFixed(2)} ms`);
      }
      const on = got.get('infrarust');
      const off = got.get('infrarust-nosec');
      if (on !== undefined && off !== undefined && off > 0) (kind === 'pings' ? sec.paired_ping_ratio : sec.paired_conn_ratio).push(on / off);
      const cOn = cpu.get('infrarust');
      const cOff = cpu.get('infrarust-nosec');
      if (cOn !== undefined && cOff !== undefined && cOff > 0) (kind === 'pings' ? sec.paired_ping_cpu_ratio : sec.paired_conn_cpu_ratio).push(cOn / cOff);
    }
  }
}

async function hookCost(repoRoot: string, fail: (msg: string) => void): Promise<SecurityResults['hook_ns']> {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench/lib/hook-cost.ts')], { cwd: repoRoot, timeout: 60_000 });
    const r = JSON.parse(stdout.trim().split('\n').pop()!) as { ping_ns: { on: number; off: number }; login_ns: { on: number; off: number } };
    return { ping: r.ping_ns, login: r.login_ns };
  } catch (err) {
    fail(`in-process hook cost: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}
