// Connection rate: open, send handshake + Login Start, wait for the sink's one-byte reply
// through the relay (proves the backend connection exists), close; `concurrency` at a time.
// A fresh relay process per path for every round (or --procs groups of rounds), pinned to its
// own CPU (lib/rounds.ts).
import { freshRounds } from '../lib/rounds.ts';
import { push, pushExtra, type Ctx } from '../lib/types.ts';

interface ConnResult { ms: number; ok: number; failed: number; firstError?: string; p50ms: number; p99ms: number }

export async function connRate(ctx: Ctx): Promise<void> {
  const { opts, client, sink, results, log } = ctx;
  const count = opts.conns;
  const call = (port: number, n: number) =>
    client.call<ConnResult>('conns', { port, count: n, concurrency: opts.concurrency, perConnTimeoutMs: 10_000 }, 120_000);
  const settle = () => sink.call('waitOpenAtMost', { max: 0, timeoutMs: 5000 }, 10_000);
  await freshRounds(ctx, {
    name: 'conn-rate',
    warmUp: async (r) => {
      await call(r.port, Math.min(1000, count)); // not recorded
      await settle();
    },
    sample: async (r, round) => {
      const p = r.path;
      const res = await call(r.port, count);
      await settle();
      if (res.ok === 0) throw new Error(`no connection succeeded (${res.firstError})`);
      const cps = res.ok / (res.ms / 1000);
      push(results, 'conn_per_s', p, cps);
      pushExtra(results, 'conn_latency_ms_p50_p99', p, [round3(res.p50ms), round3(res.p99ms)]);
      if (res.failed) {
        const msg = `conn-rate: ${p} round ${round + 1}: ${res.failed}/${count} connections failed (first: ${res.firstError})`;
        results.notes.push(msg);
        log(`!! ${msg}`);
      }
      log(`  conn-rate  r${round + 1} ${p.padEnd(14)} ${cps.toFixed(0).padStart(6)} conn/s  p50 ${res.p50ms.toFixed(2)} ms  p99 ${res.p99ms.toFixed(2)} ms`);
    },
  });
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
