// Connection rate: open, send handshake + Login Start, wait for the sink's one-byte reply
// through the relay (proves the backend connection exists), close; `concurrency` at a time.
import type { Relay, PathName } from '../lib/paths.ts';
import { push, pushExtra, rotate, type Ctx } from '../lib/types.ts';

interface ConnResult { ms: number; ok: number; failed: number; firstError?: string; p50ms: number; p99ms: number }

export async function connRate(ctx: Ctx): Promise<void> {
  const { opts, client, sink, results, log } = ctx;
  const count = opts.conns;
  const call = (port: number, n: number) =>
    client.call<ConnResult>('conns', { port, count: n, concurrency: opts.concurrency, perConnTimeoutMs: 10_000 }, 120_000);
  const settle = () => sink.call('waitOpenAtMost', { max: 0, timeoutMs: 5000 }, 10_000);
  const relays = new Map<PathName, Relay>();
  try {
    for (const p of ctx.paths) {
      const r = await ctx.relays.start(p);
      if (r) relays.set(p, r);
    }
    for (const r of [...relays.values()]) {
      try {
        await call(r.port, Math.min(1000, count)); // warm-up, not recorded
        await settle();
      } catch (e) {
        drop(r.path, e);
      }
    }
    for (let round = 0; round < opts.rounds; round++) {
      for (const p of rotate([...relays.keys()], round)) {
        const r = relays.get(p);
        if (!r) continue;
        try {
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
        } catch (e) {
          drop(p, e);
        }
      }
    }
  } finally {
    await Promise.all([...relays.values()].map((r) => r.stop()));
  }

  function drop(p: PathName, e: unknown) {
    const msg = `conn-rate: ${p} failed: ${e instanceof Error ? e.message : String(e)}`;
    log(`!! ${msg}`);
    results.notes.push(msg);
    const r = relays.get(p);
    relays.delete(p);
    void r?.stop();
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
