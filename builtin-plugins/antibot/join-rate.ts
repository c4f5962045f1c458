/**
 * Logins per second over a sliding window, in constant memory: the window is cut into
 * `BUCKETS` slots of `windowMs / BUCKETS`; a slot is reused (reset) once it falls out of the
 * window. Recording and reading are O(BUCKETS) at worst, whatever the flood.
 */
export const BUCKETS = 10;

export class JoinRate {
  private readonly bucketMs: number;
  private readonly counts = new Float64Array(BUCKETS);
  /** The absolute bucket number each slot currently holds (-1: never used). */
  private readonly slots = new Float64Array(BUCKETS).fill(-1);

  constructor(private readonly windowMs: number) {
    this.bucketMs = windowMs / BUCKETS;
  }

  record(now: number): void {
    const bucket = Math.floor(now / this.bucketMs);
    const slot = bucket % BUCKETS;
    if (this.slots[slot] !== bucket) {
      this.slots[slot] = bucket;
      this.counts[slot] = 0;
    }
    this.counts[slot]! += 1;
  }

  /** Logins recorded in the window that ends at `now`. */
  count(now: number): number {
    const current = Math.floor(now / this.bucketMs);
    let sum = 0;
    for (let i = 0; i < BUCKETS; i++) {
      const age = current - this.slots[i]!;
      if (age >= 0 && age < BUCKETS) sum += this.counts[i]!;
    }
    return sum;
  }

  /** The window's logins as a rate per second. */
  perSecond(now: number): number {
    return (this.count(now) * 1000) / this.windowMs;
  }
}
