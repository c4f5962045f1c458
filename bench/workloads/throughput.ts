// Bulk throughput: after the login preamble the client pushes `bulkBytes` in 64 KiB writes
// (honouring backpressure); the sink replies one byte once everything arrived. One relay
// instance per path for the whole workload; its utime+stime is read around every sample.
import type { Relay, PathName } from '../lib/paths.ts';
import { cpuSeconds } from '../lib/proc.ts';
import { GiB, MiB, push, pushExtra, rotate, type Ctx } from '../lib/types.ts';

export async function throughput(ctx: Ctx): Promise<void> {
  const { opts, client, results, log } = ctx;
  const bytes = opts.bulkBytes;
  const timeoutMs = Math.max(30_000, Math.ceil((bytes / (16 * MiB)) * 1000));
  const relays = new Map<PathName, Relay>();
  try {
    for (const p of ctx.paths) {
      const r = await ctx.relays.start(p);
      if (r) relays.set(p, r);
    }
    // Warm-up (JIT, buffers, TCP windows): not recorded.
    const warm = Math.min(bytes, opts.quick ? 32 * MiB : 64 * MiB);
    for (const r of [...relays.values()]) {
      try {
        await client.call('throughput', { port: r.port, bytes: warm, timeoutMs, batch: opts.writeBatch }, timeoutMs + 5000);
      } catch (e) {
        drop(r.path, e);
      }
    }
    for (let round = 0; round < opts.rounds; round++) {
      for (const p of rotate([...relays.keys()], round)) {
        const r = relays.get(p);
        if (!r) continue;
        try {
          const cpu0 = r.pid ? cpuSeconds(r.pid) : 0;
          const res = await client.call<{ ms: number; bytes: number }>('throughput', { port: r.port, bytes, timeoutMs, batch: opts.writeBatch }, timeoutMs + 5000);
          const cpu = r.pid ? cpuSeconds(r.pid) - cpu0 : NaN;
          const mibs = res.bytes / MiB / (res.ms / 1000);
          push(results, 'throughput_mibs', p, mibs);
          if (r.pid) push(results, 'cpu_s_per_gib', p, cpu / (res.bytes / GiB));
          pushExtra(results, 'throughput_sample_ms', p, Math.round(res.ms));
          log(`  throughput r${round + 1} ${p.padEnd(14)} ${mibs.toFixed(0).padStart(6)} MiB/s` +
            (r.pid ? `  relay CPU ${cpu.toFixed(2)} s (${(cpu / (res.bytes / GiB)).toFixed(2)} s/GiB)` : ''));
        } catch (e) {
          drop(p, e);
        }
      }
    }
  } finally {
    await Promise.all([...relays.values()].map((r) => r.stop()));
  }

  function drop(p: PathName, e: unknown) {
    const msg = `throughput: ${p} failed: ${e instanceof Error ? e.message : String(e)}`;
    log(`!! ${msg}`);
    results.notes.push(msg);
    const r = relays.get(p);
    relays.delete(p);
    void r?.stop();
  }
}
