/**
 * Measured start times per server, for the `{seconds}` a passthrough player is told to wait:
 * the time from `starting` to `online`, averaged over the last five starts. Pure: fed with the
 * state changes and the clock.
 */
const KEEP = 5;

export class StartTimes {
  private readonly began = new Map<string, number>();
  private readonly samples = new Map<string, number[]>();

  /** One state change of a managed server at `now`. */
  observe(serverId: string, next: string, now: number): void {
    if (next === 'starting') {
      this.began.set(serverId, now);
      return;
    }
    const began = this.began.get(serverId);
    this.began.delete(serverId);
    if (next !== 'online' || began === undefined) return;
    const list = [...(this.samples.get(serverId) ?? []), now - began].slice(-KEEP);
    this.samples.set(serverId, list);
  }

  /** The average measured start, or undefined before one was seen. */
  average(serverId: string): number | undefined {
    const list = this.samples.get(serverId);
    if (list === undefined || list.length === 0) return undefined;
    return list.reduce((a, b) => a + b, 0) / list.length;
  }

  /**
   * Whole seconds (at least 5, a multiple of 5) until the server is probably up: the average
   * (else `fallbackMs`) minus the time it has been starting, capped by `capMs` (start_timeout).
   * @example times.estimateSeconds('lobby', 30_000, 180_000, Date.now(), since) // 30
   */
  estimateSeconds(serverId: string, fallbackMs: number, capMs: number, now: number, startingSince?: number): number {
    const total = Math.min(this.average(serverId) ?? fallbackMs, capMs);
    const began = this.began.get(serverId) ?? startingSince;
    const left = began === undefined ? total : total - Math.max(0, now - began);
    return Math.max(5, Math.ceil(left / 5000) * 5);
  }
}
