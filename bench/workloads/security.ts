// Security plugins cost: the same Infrarust in two configurations, side by side in one run.
//   infrarust        ip-filter, rate-limit and ban active and doing real work: [rate_limit]
//                    enabled with budgets never reached, a global [ip_filter] blacklist, a
//                    bans.json of ~1,000 bans (none matching the bench client)
//   infrarust-nosec  [plugins.ip-filter|rate-limit|ban] enabled = false
// Both run for the whole workload; each round measures status pings/s (handshake next state 1,
// Status Request, read the Status Response, Ping/Pong, close) and then connections/s (as the
// conn workload), the two configurations back to back in a rotating order. The relay's CPU
// (utime+stime, /proc) per ping and per connection is recorded too: on a shared machine it is
// steadier than the rates.
import { BANNED_NAME, type Relay } from '../lib/paths.ts';
import { cpuSeconds } from '../lib/proc.ts';
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

  const relays = new Map<SecConfig, Relay>();
  try {
    const [a, b] = await Promise.all([ctx.relays.start('infrarust', 'security'), ctx.relays.start('infrarust', 'nosec')]);
    if (a) relays.set('infrarust', a);
    else fail(`infrarust (security plugins on) did not start: ${ctx.relays.profileErrors.get('security') ?? 'unavailable'}`);
    if (b) relays.set('infrarust-nosec', b);
    else fail(`infrarust-nosec did not start: ${ctx.relays.profileErrors.get('nosec') ?? 'unavailable'}`);
    if (!a || !b) return;
    log(`  security   started: infrarust ${a.startMs} ms, infrarust-nosec ${b.startMs} ms`);

    // The plugins must be doing their work: a banned name is refused with security on and
    // reaches the sink with it off; the bench client's own name reaches the sink in both.
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
      await settle();
    }

    const warm = Math.min(1000, Math.max(opts.secPings, opts.secConns));
    for (const [cfg, r] of relays) {
      for (const kind of ['pings', 'conns'] as const) {
        const res = await run(kind, r.port, warm);
        await settle();
        if (res.ok === 0) {
          fail(`${cfg} warm-up ${kind}: nothing succeeded (${res.firstError})`);
          return;
        }
      }
    }

    for (let round = 0; round < opts.secRounds; round++) {
      for (const kind of ['pings', 'conns'] as const) {
        const got = new Map<SecConfig, number>();
        const cpu = new Map<SecConfig, number>();
        for (const cfg of rotate(SEC_CONFIGS, round)) {
          const r = relays.get(cfg)!;
          const count = kind === 'pings' ? opts.secPings : opts.secConns;
          const c0 = cpuSeconds(r.pid!);
          const res = await run(kind, r.port, count);
          const c1 = cpuSeconds(r.pid!);
          await settle();
          if (res.failed) fail(`${cfg} round ${round + 1}: ${res.failed}/${count} ${kind} failed (first: ${res.firstError})`);
          if (res.ok === 0) continue;
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
  } finally {
    await Promise.all([...relays.values()].map((r) => r.stop()));
  }
}
