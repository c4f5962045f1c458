/**
 * The check's outcome counters, and the difference between two snapshots (what one attack did,
 * for the summary line logged when it ends).
 */
export interface Counts {
  passed: number;
  failedWrongCode: number;
  failedTimeout: number;
  left: number;
  refused: number;
  remembered: number;
}

export type Outcome = keyof Counts;

export class Counters {
  private readonly counts: Counts = { passed: 0, failedWrongCode: 0, failedTimeout: 0, left: 0, refused: 0, remembered: 0 };

  add(outcome: Outcome): void {
    this.counts[outcome]++;
  }

  snapshot(): Readonly<Counts> {
    return { ...this.counts };
  }

  /** What happened since `earlier`, with `failed` summed. */
  since(earlier: Readonly<Counts>): Counts & { failed: number } {
    const d = Object.fromEntries(Object.entries(this.counts).map(([k, v]) => [k, v - earlier[k as Outcome]])) as unknown as Counts;
    return { ...d, failed: d.failedWrongCode + d.failedTimeout };
  }
}
