// Counters and latency percentiles for the stress tool: one Stats per category (flood, malformed).

/** Nearest-rank percentile (p in 0..100) of already sorted values; NaN when empty. */
export function percentileSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const clamped = Math.min(100, Math.max(0, p));
  const rank = Math.ceil((clamped / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Nearest-rank percentile of unsorted values (the input is not modified). */
export function percentile(values: readonly number[], p: number): number {
  return percentileSorted([...values].sort((a, b) => a - b), p);
}

/** Uniform sample of at most `capacity` values (Algorithm R), so a long run keeps bounded memory. */
export class Reservoir {
  readonly values: number[] = [];
  seen = 0;
  constructor(readonly capacity = 100_000, private readonly random: () => number = Math.random) {}

  add(v: number): void {
    this.seen++;
    if (this.values.length < this.capacity) {
      this.values.push(v);
      return;
    }
    const j = Math.floor(this.random() * this.seen);
    if (j < this.capacity) this.values[j] = v;
  }
}

export type OutcomeKind = 'ok' | 'error' | 'connect-fail' | 'aborted';

export interface Outcome {
  kind: OutcomeKind;
  /** For errors and connect failures: a short reason ("stayed open", "timeout", "ECONNREFUSED"…). */
  reason?: string;
  /** Bytes the proxy sent (informational for malformed shapes). */
  bytesIn?: number;
}

export interface Attempt {
  shape: string;
  outcome: Outcome;
  latencyMs: number;
}

export interface IntervalReport {
  elapsedS: number;
  attempts: number;
  ok: number;
  errors: number;
  connectFail: number;
  active: number;
  p50: number;
  p99: number;
  /** Finished connections (ok + errors) per second over the interval. */
  connPerS: number;
}

export interface Summary {
  attempts: number;
  ok: number;
  errors: number;
  connectFail: number;
  /** In flight when the run stopped: neither success nor error. */
  aborted: number;
  /** Malformed connections the proxy answered with bytes before closing (informational). */
  replied: number;
  errorReasons: Record<string, number>;
  connectFailReasons: Record<string, number>;
  shapes: Record<string, { ok: number; errors: number }>;
  latencyMs: { avg: number; p50: number; p99: number; max: number };
  connPerS: number;
}

export class Stats {
  attempts = 0;
  ok = 0;
  errors = 0;
  connectFail = 0;
  aborted = 0;
  active = 0;
  replied = 0;
  private readonly errorReasons = new Map<string, number>();
  private readonly connectFailReasons = new Map<string, number>();
  private readonly shapes = new Map<string, { ok: number; errors: number }>();
  private readonly total = new Reservoir();
  private latencySum = 0;
  private latencyCount = 0;
  private latencyMax = 0;
  private window: number[] = [];
  private windowFinished = 0;
  private windowStartedAt: number;

  constructor(private readonly startedAt = Date.now()) {
    this.windowStartedAt = startedAt;
  }

  started(): void {
    this.attempts++;
    this.active++;
  }

  record(a: Attempt): void {
    this.active--;
    const shape = this.shapes.get(a.shape) ?? { ok: 0, errors: 0 };
    this.shapes.set(a.shape, shape);
    if ((a.outcome.bytesIn ?? 0) > 0 && a.outcome.kind === 'ok') this.replied++;
    switch (a.outcome.kind) {
      case 'ok':
        this.ok++;
        shape.ok++;
        this.latency(a.latencyMs);
        break;
      case 'error':
        this.errors++;
        shape.errors++;
        bump(this.errorReasons, `${a.shape}: ${a.outcome.reason ?? 'error'}`);
        this.windowFinished++;
        break;
      case 'connect-fail':
        this.connectFail++;
        bump(this.connectFailReasons, a.outcome.reason ?? 'error');
        break;
      case 'aborted':
        this.aborted++;
        break;
    }
  }

  private latency(ms: number): void {
    this.total.add(ms);
    this.window.push(ms);
    this.windowFinished++;
    this.latencySum += ms;
    this.latencyCount++;
    if (ms > this.latencyMax) this.latencyMax = ms;
  }

  /** Numbers since the previous call (counters are cumulative, latencies and rate per interval). */
  interval(now = Date.now()): IntervalReport {
    const sorted = this.window.sort((a, b) => a - b);
    const seconds = Math.max(0.001, (now - this.windowStartedAt) / 1000);
    const report: IntervalReport = {
      elapsedS: (now - this.startedAt) / 1000,
      attempts: this.attempts,
      ok: this.ok,
      errors: this.errors,
      connectFail: this.connectFail,
      active: this.active,
      p50: percentileSorted(sorted, 50),
      p99: percentileSorted(sorted, 99),
      connPerS: this.windowFinished / seconds,
    };
    this.window = [];
    this.windowFinished = 0;
    this.windowStartedAt = now;
    return report;
  }

  summary(now = Date.now()): Summary {
    const sorted = [...this.total.values].sort((a, b) => a - b);
    const seconds = Math.max(0.001, (now - this.startedAt) / 1000);
    return {
      attempts: this.attempts,
      ok: this.ok,
      errors: this.errors,
      connectFail: this.connectFail,
      aborted: this.aborted,
      replied: this.replied,
      errorReasons: Object.fromEntries(this.errorReasons),
      connectFailReasons: Object.fromEntries(this.connectFailReasons),
      shapes: Object.fromEntries(this.shapes),
      latencyMs: {
        avg: this.latencyCount === 0 ? Number.NaN : this.latencySum / this.latencyCount,
        p50: percentileSorted(sorted, 50),
        p99: percentileSorted(sorted, 99),
        max: this.latencyMax,
      },
      connPerS: (this.ok + this.errors) / seconds,
    };
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${ms.toFixed(1)}ms`;
}

export function formatInterval(label: string, r: IntervalReport): string {
  return (
    `[${r.elapsedS.toFixed(0).padStart(4)}s] ${label.padEnd(9)} attempts ${r.attempts} ok ${r.ok} err ${r.errors} ` +
    `connfail ${r.connectFail} active ${r.active} | p50 ${fmtMs(r.p50)} p99 ${fmtMs(r.p99)} | ${r.connPerS.toFixed(1)} conn/s`
  );
}

export function formatSummary(label: string, s: Summary): string {
  const lines = [
    `${label}: attempts ${s.attempts}, ok ${s.ok}, errors ${s.errors}, connect failures ${s.connectFail}, ` +
      `in flight at stop ${s.aborted}${label === 'malformed' ? `, answered before close ${s.replied}` : ''}`,
    `  latency avg ${fmtMs(s.latencyMs.avg)} p50 ${fmtMs(s.latencyMs.p50)} p99 ${fmtMs(s.latencyMs.p99)} max ${fmtMs(s.latencyMs.max)}; ` +
      `${s.connPerS.toFixed(1)} conn/s`,
  ];
  const shapes = Object.entries(s.shapes).map(([k, v]) => `${k} ${v.ok}/${v.ok + v.errors}`);
  if (shapes.length > 0) lines.push(`  ok per shape: ${shapes.join(', ')}`);
  for (const [reason, n] of Object.entries(s.errorReasons)) lines.push(`  error  ${reason}: ${n}`);
  for (const [reason, n] of Object.entries(s.connectFailReasons)) lines.push(`  connect failure ${reason}: ${n}`);
  return lines.join('\n');
}
