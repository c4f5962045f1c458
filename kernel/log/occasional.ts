/**
 * A log line that a flood could repeat thousands of times a second (refused peers, a faulting
 * plugin's timer): written at most once per interval, with how many were skipped since.
 */
export class Occasional {
  private at = -Infinity;
  private suppressed = 0;

  constructor(private readonly intervalMs: number) {}

  /** The count skipped since the last one when this one is due; undefined when it is not. */
  due(now = Date.now()): number | undefined {
    if (now - this.at < this.intervalMs) {
      this.suppressed++;
      return undefined;
    }
    const skipped = this.suppressed;
    this.at = now;
    this.suppressed = 0;
    return skipped;
  }
}
