/**
 * Runs active health probes: one timer for the whole proxy (unref'd: it never keeps the process
 * alive), which asks for the probes that are due and runs them with at most `maxConcurrent` in
 * flight (the rest wait in a queue; an address is never queued twice, its pool marks it in flight).
 * `stop()` clears the timer and drops the queue; probes in flight end by their own timeout and
 * their results are discarded.
 */
import type { ProbeJob, ProbeTarget } from '../routing/probe-job.ts';

export interface HealthCheckerOptions {
  /** Called every tick: the probes due now. */
  due: (now: number) => ProbeJob[];
  maxConcurrent: number;
  /** Runs one probe (status/health-probe.ts `probeAddress`): resolves healthy, rejects with the reason. */
  probe: (target: ProbeTarget) => Promise<void>;
}

export class HealthChecker {
  private timer: NodeJS.Timeout | undefined;
  private readonly queue: ProbeJob[] = [];
  private inFlight = 0;
  private stopped = false;
  private tickMs = 0;
  constructor(private readonly options: HealthCheckerOptions) {}

  /** (Re)starts the ticker at `tickMs`; 0 stops it (no server probes). */
  schedule(tickMs: number): void {
    if (this.stopped || tickMs === this.tickMs) return;
    this.tickMs = tickMs;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (tickMs === 0) return;
    this.timer = setInterval(() => this.tick(), tickMs).unref();
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  /** Probes in flight or queued (for tests and the bench). */
  get pending(): number {
    return this.inFlight + this.queue.length;
  }

  private tick(): void {
    if (this.stopped) return;
    this.queue.push(...this.options.due(Date.now()));
    this.drain();
  }

  private drain(): void {
    while (!this.stopped && this.inFlight < this.options.maxConcurrent && this.queue.length > 0) {
      const job = this.queue.shift()!;
      this.inFlight++;
      this.options.probe(job.target).then(
        () => this.finish(job, undefined),
        (err: unknown) => this.finish(job, err instanceof Error ? err : new Error(String(err))),
      );
    }
  }

  private finish(job: ProbeJob, error: Error | undefined): void {
    this.inFlight--;
    if (this.stopped) return;
    job.done(error);
    this.drain();
  }
}
