// The stress loop: N workers, each opening one connection after another until the duration ends.
import type { Socket } from 'node:net';
import { FLOOD_SHAPES, MALFORMED_SHAPES, runShape, type Shape, type Target } from './shapes.ts';
import { Stats, formatInterval, type Summary } from './stats.ts';
import type { StressOptions } from './options.ts';

export type Category = 'flood' | 'malformed';

export interface StressResult {
  mode: StressOptions['mode'];
  target: string;
  concurrency: number;
  elapsedS: number;
  categories: Partial<Record<Category, Summary>>;
}

export interface RunHooks {
  /** One line per category every reportEveryMs (default: console.log). */
  onReport?: (line: string) => void;
  /** Aborting stops the run early (Ctrl-C); the summary still comes back. */
  signal?: AbortSignal;
}

/** Runs until --duration (or the signal), closes every socket it opened, returns the summaries. */
export async function runStress(options: StressOptions, hooks: RunHooks = {}): Promise<StressResult> {
  const report = hooks.onReport ?? ((line: string) => console.log(line));
  const startedAt = Date.now();
  const sockets = new Set<Socket>();
  let stopped = false;
  const sleepers = new Set<() => void>();

  const target: Target = {
    host: options.host,
    port: options.port,
    source: options.source,
    domain: options.domain,
    protocol: options.protocol,
    timeoutMs: options.timeoutMs,
    closeWithinMs: options.closeWithinMs,
    slowIntervalMs: options.slowIntervalMs,
    track(socket) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      if (stopped) socket.destroy();
    },
    stopped: () => stopped,
  };

  const split = splitConcurrency(options);
  const stats: Partial<Record<Category, Stats>> = {};
  if (split.flood > 0) stats.flood = new Stats(startedAt);
  if (split.malformed > 0) stats.malformed = new Stats(startedAt);

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    for (const s of sockets) s.destroy();
    for (const wake of sleepers) wake();
  };
  const durationTimer = setTimeout(stop, options.durationS * 1000);
  const onAbort = (): void => stop();
  hooks.signal?.addEventListener('abort', onAbort, { once: true });
  if (hooks.signal?.aborted === true) stop();

  const reportTimer = setInterval(() => {
    for (const [name, s] of Object.entries(stats)) report(formatInterval(name, s.interval()));
  }, options.reportEveryMs);

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  let floodTurn = 0;
  let malformedTurn = 0;
  const worker = async (category: Category): Promise<void> => {
    const s = stats[category]!;
    while (!stopped) {
      const shape: Shape =
        category === 'flood'
          ? FLOOD_SHAPES[floodTurn++ % FLOOD_SHAPES.length]!
          : MALFORMED_SHAPES[malformedTurn++ % MALFORMED_SHAPES.length]!;
      s.started();
      const attempt = await runShape(shape, target);
      s.record(attempt);
      // A refused or failed connect would otherwise spin: back off a little.
      if (attempt.outcome.kind === 'connect-fail' && !stopped) await sleep(100);
    }
  };

  const workers: Promise<void>[] = [];
  for (let i = 0; i < split.flood; i++) workers.push(worker('flood'));
  for (let i = 0; i < split.malformed; i++) workers.push(worker('malformed'));
  await Promise.all(workers);

  clearTimeout(durationTimer);
  clearInterval(reportTimer);
  hooks.signal?.removeEventListener('abort', onAbort);
  for (const s of sockets) s.destroy();
  const now = Date.now();
  const categories: Partial<Record<Category, Summary>> = {};
  for (const [name, s] of Object.entries(stats) as [Category, Stats][]) categories[name] = s.summary(now);
  return {
    mode: options.mode,
    target: `${options.host}:${options.port}`,
    concurrency: options.concurrency,
    elapsedS: (now - startedAt) / 1000,
    categories,
  };
}

/** flood/malformed use all workers; mixed gives half to each (flood gets the odd one). */
export function splitConcurrency(o: Pick<StressOptions, 'mode' | 'concurrency'>): Record<Category, number> {
  if (o.mode === 'flood') return { flood: o.concurrency, malformed: 0 };
  if (o.mode === 'malformed') return { flood: 0, malformed: o.concurrency };
  const malformed = Math.floor(o.concurrency / 2);
  return { flood: o.concurrency - malformed, malformed };
}
