// Rounds over fresh relay processes, for the workloads that measure one relay per path
// (throughput, conn). The rounds are spread over `procs` groups (default: one per round);
// each group starts a fresh relay for every path, pins it (see pinSplit), warms it up, runs its
// rounds with the paths in rotating order, and stops it. Why: one relay process can run much
// faster or slower than another with the same code for its whole life (bench/README.md,
// "Fresh processes"), which a single process per path would report as a difference between paths.
import type { PathName, Relay } from './paths.ts';
import { pinSplit, unpin } from './proc.ts';
import { rotate, type Ctx } from './types.ts';

export interface RoundsSpec {
  /** name in logs and notes */
  name: string;
  /** not recorded; throws to drop the path */
  warmUp(r: Relay): Promise<void>;
  /** one recorded sample; throws to drop the path */
  sample(r: Relay, round: number): Promise<void>;
}

export async function freshRounds(ctx: Ctx, spec: RoundsSpec): Promise<void> {
  const { opts, log, results } = ctx;
  const groups = Math.min(opts.procs ?? opts.rounds, opts.rounds);
  const dropped = new Set<PathName>();
  let pinned = false;
  let round = 0;
  const drop = (p: PathName, e: unknown) => {
    const msg = `${spec.name}: ${p} failed: ${e instanceof Error ? e.message : String(e)}`;
    log(`!! ${msg}`);
    results.notes.push(msg);
    dropped.add(p);
  };
  try {
    for (let g = 0; g < groups; g++) {
      const rounds = Math.floor(opts.rounds / groups) + (g < opts.rounds % groups ? 1 : 0);
      const relays = new Map<PathName, Relay>();
      try {
        for (const p of rotate(ctx.relays.available(ctx.paths).filter((x) => !dropped.has(x)), g)) {
          const r = await ctx.relays.start(p);
          if (r) relays.set(p, r);
        }
        const pids = [...relays.values()].flatMap((r) => (r.pid === null ? [] : [r.pid]));
        if (opts.pin) {
          const how = pinSplit(pids, ctx.loadPids);
          pinned ||= how !== null;
          if (g === 0) {
            log(`  ${spec.name} CPU pinning: ${how ?? 'off (not possible here)'}; ${groups} fresh relay process${groups === 1 ? '' : 'es'} per path`);
            if (how === null) results.notes.push(`${spec.name}: CPU pinning not possible here; relays and load shared the CPUs`);
          }
        } else if (g === 0) log(`  ${spec.name} no CPU pinning (--no-pin); ${groups} fresh relay process${groups === 1 ? '' : 'es'} per path`);
        for (const [p, r] of [...relays]) {
          try {
            await spec.warmUp(r);
          } catch (e) {
            drop(p, e);
            relays.delete(p);
            await r.stop();
          }
        }
        for (let i = 0; i < rounds; i++, round++) {
          for (const p of rotate([...relays.keys()], round)) {
            if (dropped.has(p)) continue;
            try {
              await spec.sample(relays.get(p)!, round);
            } catch (e) {
              drop(p, e);
            }
          }
        }
      } finally {
        await Promise.all([...relays.values()].map((r) => r.stop()));
      }
    }
  } finally {
    if (pinned) unpin(ctx.loadPids);
  }
}
