// Bulk throughput: after the login preamble the client pushes `bulkBytes` in 64 KiB writes
// (honouring backpressure); the sink replies one byte once everything arrived. A fresh relay
// process per path for every round (or --procs groups of rounds), pinned to its own CPU
// (lib/rounds.ts); its CPU time (schedstat), minor page faults and read() calls are read
// around every sample.
import fs from 'node:fs';
import { cpuSeconds, userSysSeconds } from '../lib/proc.ts';
import { freshRounds } from '../lib/rounds.ts';
import { GiB, MiB, push, pushExtra, type Ctx } from '../lib/types.ts';

export async function throughput(ctx: Ctx): Promise<void> {
  const { opts, client, results, log } = ctx;
  const bytes = opts.bulkBytes;
  const timeoutMs = Math.max(30_000, Math.ceil((bytes / (16 * MiB)) * 1000));
  const send = (port: number, n: number) =>
    client.call<{ ms: number; bytes: number }>('throughput', { port, bytes: n, timeoutMs, batch: opts.writeBatch }, timeoutMs + 5000);
  // Warm-up (JIT, buffers, TCP windows): not recorded.
  const warm = Math.min(bytes, opts.quick ? 32 * MiB : 64 * MiB);
  await freshRounds(ctx, {
    name: 'throughput',
    warmUp: async (r) => {
      await send(r.port, warm);
    },
    sample: async (r, round) => {
      const p = r.path;
      const io0 = r.pid ? procCounters(r.pid) : null;
      const us0 = r.pid ? userSysSeconds(r.pid) : null;
      const cpu0 = r.pid ? cpuSeconds(r.pid) : 0;
      const res = await send(r.port, bytes);
      const cpu = r.pid ? cpuSeconds(r.pid) - cpu0 : NaN;
      const us1 = r.pid ? userSysSeconds(r.pid) : null;
      const io1 = r.pid ? procCounters(r.pid) : null;
      const mibs = res.bytes / MiB / (res.ms / 1000);
      push(results, 'throughput_mibs', p, mibs);
      if (r.pid) push(results, 'cpu_s_per_gib', p, cpu / (res.bytes / GiB));
      pushExtra(results, 'throughput_sample_ms', p, Math.round(res.ms));
      let more = '';
      if (io0 && io1) {
        const faultsPerMiB = (io1.minflt - io0.minflt) / (res.bytes / MiB);
        const reads = io1.syscr - io0.syscr;
        const readKiB = reads > 0 ? (io1.rchar - io0.rchar) / reads / 1024 : NaN;
        pushExtra(results, 'throughput_minflt_per_mib', p, round1(faultsPerMiB));
        pushExtra(results, 'throughput_avg_read_kib', p, round1(readKiB));
        more = `  user ${(us1!.user - us0!.user).toFixed(2)} sys ${(us1!.sys - us0!.sys).toFixed(2)}  ${faultsPerMiB.toFixed(0).padStart(3)} page faults/MiB, reads of ${readKiB.toFixed(0)} KiB`;
      }
      log(`  throughput r${round + 1} ${p.padEnd(14)} ${mibs.toFixed(0).padStart(6)} MiB/s` +
        (r.pid ? `  relay CPU ${cpu.toFixed(2)} s (${(cpu / (res.bytes / GiB)).toFixed(2)} s/GiB)${more}` : ''));
    },
  });
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * Minor page faults (the process, all threads) and read() syscalls with their bytes (sockets
 * included) of one process; null if /proc does not have them. Only the top process: HAProxy
 * and Infrarust relay in one process.
 */
function procCounters(pid: number): { minflt: number; syscr: number; rchar: number } | null {
  try {
    const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const minflt = Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[7]);
    const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
    const num = (k: string) => Number(new RegExp(`^${k}: (\\d+)`, 'm').exec(io)?.[1]);
    const out = { minflt, syscr: num('syscr'), rchar: num('rchar') };
    return Object.values(out).every(Number.isFinite) ? out : null;
  } catch {
    return null;
  }
}
