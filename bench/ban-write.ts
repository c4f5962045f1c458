// How long a bans.json write holds the event loop: a 10,000-ban list with a full 10,000-entry
// audit log (~4.8 MB), saved the way the ban plugin saves it, with the event-loop delay measured
// by perf_hooks.monitorEventLoopDelay while the saves run (and while idle, as the floor).
//
//   node --import tsx bench/ban-write.ts [--bans 10000] [--saves 20] [--mode whole,chunked]
//
// whole:   the previous path: the whole file rendered as one string, then written (encodeBanFile)
// chunked: what the plugin does now: rendered in slices, each written before the next is built
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BanStore } from '../builtin-plugins/ban/store.ts';
import * as storage from '../builtin-plugins/ban/storage.ts';
import { writeFileAtomic } from '../kernel/plugin-system/host/durable-files.ts'; // ctx.files.writeAtomic

const { values } = parseArgs({ options: { bans: { type: 'string', default: '10000' }, saves: { type: 'string', default: '20' }, mode: { type: 'string', default: 'whole,chunked' } } });
const BANS = Number(values.bans);
const SAVES = Number(values.saves);

function bigStore(): BanStore {
  let t = 1_735_689_600_000;
  const store = new BanStore(undefined, { now: () => (t += 1000) });
  for (let i = 0; i < BANS; i++) {
    const kind = i % 4;
    const target = kind === 0 ? { type: 'username' as const, value: `griefer_${i}` }
      : kind === 1 ? { type: 'uuid' as const, value: `5eed${i.toString(16).padStart(4, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}` }
        : kind === 2 ? { type: 'ip' as const, value: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }
          : { type: 'ip_range' as const, value: `11.${(i >> 8) & 255}.${i & 255}.0/24` };
    store.add(target, { reason: `griefing near spawn, report #${i} (x-ray suspected)`, durationMs: i % 3 === 0 ? 86_400_000 : undefined, source: 'admin:Notch' });
  }
  return store;
}

type Save = () => Promise<void>;

/** Event-loop delay (ms) while `run` executes; the histogram samples every 1 ms. */
async function delayDuring(run: () => Promise<void>): Promise<{ max: number; p99: number; p50: number; ms: number }> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  h.disable();
  return { max: h.max / 1e6, p99: h.percentile(99) / 1e6, p50: h.percentile(50) / 1e6, ms };
}

async function measure(name: string, save: Save, file: string): Promise<void> {
  await save(); // warm-up (JIT, file creation)
  const perSave: number[] = [];
  const during = await delayDuring(async () => {
    for (let i = 0; i < SAVES; i++) {
      const t0 = performance.now();
      await save();
      perSave.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 20));
    }
  });
  perSave.sort((a, b) => a - b);
  const size = (await stat(file)).size;
  console.log(`${name.padEnd(8)} file ${(size / 1e6).toFixed(2)} MB · ${SAVES} saves · per save ${perSave[SAVES >> 1].toFixed(1)} ms median (${perSave[0].toFixed(1)}–${perSave[SAVES - 1].toFixed(1)}) · event-loop delay max ${during.max.toFixed(1)} ms, p99 ${during.p99.toFixed(1)} ms, p50 ${during.p50.toFixed(2)} ms`);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ban-write-'));
  try {
    const store = bigStore();
    console.log(`ban-write: ${store.size} bans, ${store.snapshot().audit_log.length} audit entries, node ${process.version}`);
    await new Promise((r) => setTimeout(r, 500)); // let building the store's garbage settle
    const idle = await delayDuring(() => new Promise((r) => setTimeout(r, 2000)));
    console.log(`idle     2 s · event-loop delay max ${idle.max.toFixed(1)} ms, p99 ${idle.p99.toFixed(1)} ms, p50 ${idle.p50.toFixed(2)} ms`);
    const modes: Record<string, Save> = {
      // The code before the change, inline, so both run side by side in one process.
      whole: () => writeFileAtomic(join(dir, 'whole.json'), `${JSON.stringify(store.snapshot(), null, 2)}\n`),
    };
    const s = storage as Record<string, unknown>;
    if (typeof s.renderBanFile === 'function') {
      const render = s.renderBanFile as (d: ReturnType<BanStore['snapshot']>) => Iterable<string>;
      modes.chunked = () => writeFileAtomic(join(dir, 'chunked.json'), render(store.snapshot()));
    }
    for (const name of String(values.mode).split(',')) {
      const save = modes[name];
      if (save === undefined) console.log(`${name.padEnd(8)} not available in this checkout`);
      else await measure(name, save, join(dir, `${name}.json`));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
