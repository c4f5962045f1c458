// Metrics cost (issue 16): the same Infrarust with the metrics plugin collecting (Prometheus
// registry fed by every handshake, ping and join; served on [telemetry] metrics_bind and scraped
// once a second during the run, as Prometheus would, every 15 s, but harder) and with the plugin
// disabled, side by side in one run. Each round measures status pings/s and passthrough
// logins/s (the conn workload's full preamble to the sink: a ServerConnected, so a counted join)
// for both, in a rotating order, on a fresh pair of processes every few rounds. Prints the median
// on/off ratio per kind; the target is a cost under 3% (ratio >= 0.97).
//   npm run bench -- --only metrics [--sec-rounds N] [--pings N] [--sec-conns N]
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../test/helpers/free-port.ts';
import type { InfrarustSetup, Relay } from '../lib/paths.ts';
import { rotate, type Ctx } from '../lib/types.ts';

type Config = 'metrics-on' | 'metrics-off';
const CONFIGS: Config[] = ['metrics-on', 'metrics-off'];

interface RunResult { ms: number; ok: number; failed: number; firstError?: string }

export interface MetricsResults {
  pings_per_s: Partial<Record<Config, number[]>>;
  joins_per_s: Partial<Record<Config, number[]>>;
  paired_ping_ratio: number[];
  paired_join_ratio: number[];
  scrapes: number;
  /** bench/lib/metrics-hook-cost.ts: the plugin's own ns per ping and per login, in-process. */
  hook_ns: { ping_ns: { on: number; off: number }; login_ns: { on: number; off: number } } | null;
  errors: string[];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function metricsCost(ctx: Ctx): Promise<void> {
  const { opts, client, sink, log } = ctx;
  const res: MetricsResults = { pings_per_s: {}, joins_per_s: {}, paired_ping_ratio: [], paired_join_ratio: [], scrapes: 0, hook_ns: null, errors: [] };
  (ctx.results as unknown as Record<string, unknown>).metrics = res;
  const fail = (msg: string) => (res.errors.push(msg), log(`!! metrics: ${msg}`));
  const run = (kind: 'pings' | 'conns', port: number, count: number) => client.call<RunResult>(kind, { port, count, concurrency: opts.concurrency, perConnTimeoutMs: 10_000 }, 120_000);
  const settle = () => sink.call('waitOpenAtMost', { max: 0, timeoutMs: 5000 }, 10_000);
  // The 'direct' path is the sink itself: its port is where both relays send players.
  const sinkPort = (await ctx.relays.start('direct'))?.port;
  if (sinkPort === undefined) return void fail('no sink');
  const rounds = opts.secRounds;
  const pairs = Math.min(opts.secPairs, rounds);
  let round = 0;
  for (let pair = 0; pair < pairs && res.errors.length === 0; pair++) {
    const n = Math.floor(rounds / pairs) + (pair < rounds % pairs ? 1 : 0);
    await onePair(n);
  }
  const ping = median(res.paired_ping_ratio);
  const join = median(res.paired_join_ratio);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ctx.relays.repoRoot, 'bench/lib/metrics-hook-cost.ts')], { cwd: ctx.relays.repoRoot, timeout: 120_000 });
    res.hook_ns = JSON.parse(stdout.trim().split('\n').pop()!) as MetricsResults['hook_ns'];
    log(`  metrics    plugin hooks in-process: +${(res.hook_ns!.ping_ns.on - res.hook_ns!.ping_ns.off).toFixed(0)} ns per ping, +${(res.hook_ns!.login_ns.on - res.hook_ns!.login_ns.off).toFixed(0)} ns per login`);
  } catch (err) {
    fail(`in-process hook cost: ${(err as Error).message}`);
  }
  log(`  metrics    on/off median: pings ${ping.toFixed(3)}, joins ${join.toFixed(3)} (${res.paired_ping_ratio.length} rounds; target >= 0.97), ${res.scrapes} scrapes`);

  async function onePair(n: number): Promise<void> {
    const relays = new Map<Config, Relay>();
    const metricsPort = await freePort();
    let scraper: NodeJS.Timeout | undefined;
    try {
      const [on, off] = await Promise.all([
        ctx.relays.start('infrarust', 'intercepted', setup('metrics-on', `\n[telemetry]\nmetrics_bind = "127.0.0.1:${metricsPort}"\n`)),
        ctx.relays.start('infrarust', 'intercepted', setup('metrics-off', `\n[plugins.metrics]\nenabled = false\n`)),
      ]);
      if (!on || !off) return void fail('a relay did not start (see above)');
      relays.set('metrics-on', on).set('metrics-off', off);
      const probe = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text(), (e: Error) => `error ${e.message}`);
      if (!probe.includes('infrarust_joins_total')) return void fail(`metrics-on serves no metrics: ${probe.slice(0, 200)}`);
      scraper = setInterval(() => void fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()).then(() => res.scrapes++, () => undefined), 1000);
      for (const [, r] of relays) for (const kind of ['pings', 'conns'] as const) (await run(kind, r.port, 500), await settle());
      for (let i = 0; i < n; i++, round++) await oneRound(relays, round);
    } finally {
      if (scraper) clearInterval(scraper);
      await Promise.all([...relays.values()].map((r) => r.stop()));
    }
  }

  function setup(label: Config, globalToml: string): InfrarustSetup {
    return {
      label,
      topToml: '',
      globalToml,
      serverToml: `domains = ["bench.local"]\naddresses = ["127.0.0.1:${sinkPort}"]\n`,
      smoke: async (port) => {
        const r = await run('conns', port, 1);
        if (r.ok !== 1) throw new Error(`smoke connection failed: ${r.firstError}`);
      },
    };
  }

  async function oneRound(relays: Map<Config, Relay>, i: number): Promise<void> {
    for (const kind of ['pings', 'conns'] as const) {
      const got = new Map<Config, number>();
      for (const cfg of rotate(CONFIGS, i)) {
        const count = kind === 'pings' ? opts.secPings : opts.secConns;
        const r = await run(kind, relays.get(cfg)!.port, count);
        await settle();
        if (r.failed) fail(`${cfg} round ${i + 1}: ${r.failed}/${count} ${kind} failed (first: ${r.firstError})`);
        if (r.ok === 0) continue;
        const rate = r.ok / (r.ms / 1000);
        got.set(cfg, rate);
        ((kind === 'pings' ? res.pings_per_s : res.joins_per_s)[cfg] ??= []).push(rate);
        log(`  metrics    r${i + 1} ${(kind === 'pings' ? 'pings' : 'joins').padEnd(5)} ${cfg.padEnd(11)} ${rate.toFixed(0).padStart(6)}/s`);
      }
      const on = got.get('metrics-on');
      const off = got.get('metrics-off');
      if (on !== undefined && off !== undefined && off > 0) (kind === 'pings' ? res.paired_ping_ratio : res.paired_join_ratio).push(on / off);
    }
  }
}
