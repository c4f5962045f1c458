// RSS per idle proxied connection: fresh relay per sample (Node's RSS does not shrink after
// connections close, so reusing one would flatter later samples), a short warm-up, VmRSS
// before, N connections that complete the preamble and receive the sink's byte (so both legs
// exist), ~1 s pause, VmRSS after. The client and sink sockets live in other processes.
import { rssKiB, sleep } from '../lib/proc.ts';
import { push, pushExtra, rotate, type Ctx } from '../lib/types.ts';

interface ConnResult { ms: number; ok: number; failed: number; firstError?: string }

export async function idleMemory(ctx: Ctx): Promise<void> {
  const { opts, client, sink, results, log } = ctx;
  const n = opts.idleConns;
  const paths = ctx.paths.filter((p) => p !== 'direct');
  for (let round = 0; round < opts.rounds; round++) {
    for (const p of rotate(ctx.relays.available(paths), round)) {
      const r = await ctx.relays.start(p);
      if (!r || r.pid === null) continue;
      try {
        await client.call<ConnResult>('conns', { port: r.port, count: 100, concurrency: 16, perConnTimeoutMs: 10_000 }, 60_000);
        await sink.call('waitOpenAtMost', { max: 0, timeoutMs: 5000 }, 10_000);
        await sleep(300);
        const before = rssKiB(r.pid);
        const res = await client.call<ConnResult>('holdOpen', { port: r.port, count: n, concurrency: 64, perConnTimeoutMs: 10_000 }, 120_000);
        await sleep(1000);
        const after = rssKiB(r.pid);
        const { open: clientOpen } = await client.call<{ open: number }>('heldStillOpen', {}, 10_000);
        const { open: sinkOpen } = await sink.call<{ open: number }>('stats', {}, 10_000);
        if (res.ok === 0) throw new Error(`no connection succeeded (${res.firstError})`);
        if (res.failed || clientOpen < res.ok || sinkOpen < res.ok) {
          const msg = `idle-memory: ${p} round ${round + 1}: ${res.ok}/${n} opened, ${clientOpen} still open at the client, ${sinkOpen} at the sink${res.firstError ? ` (first error: ${res.firstError})` : ''}`;
          results.notes.push(msg);
          log(`!! ${msg}`);
        }
        const kb = (after - before) / res.ok;
        push(results, 'kb_per_idle_conn', p, kb);
        pushExtra(results, 'idle_rss_kib_before_after', p, [before, after]);
        pushExtra(results, 'relay_start_ms', p, r.startMs);
        log(`  idle-mem   r${round + 1} ${p.padEnd(14)} ${kb.toFixed(1).padStart(6)} KB/conn  (RSS ${(before / 1024).toFixed(1)} → ${(after / 1024).toFixed(1)} MiB, ${res.ok} conns)`);
      } catch (e) {
        const msg = `idle-memory: ${p} failed: ${e instanceof Error ? e.message : String(e)}`;
        log(`!! ${msg}`);
        results.notes.push(msg);
      } finally {
        await client.call('closeHeld', {}, 10_000).catch(() => {});
        await r.stop();
        await sink.call('waitOpenAtMost', { max: 0, timeoutMs: 5000 }, 10_000).catch(() => {});
      }
    }
  }
}
