/**
 * The ownership ledger: every registration a plugin makes is recorded with its undo function and
 * undone last-in-first-out when the plugin unloads. This is what makes unload and hot reload safe.
 */
export interface LedgerEntry {
  kind: 'listener' | 'transport-filter' | 'codec-filter' | 'limbo-handler' | 'command' | 'service' | 'task';
  label: string;
  undo: () => void;
}

export class Ledger {
  private entries: LedgerEntry[] = [];

  /** Records a registration; the returned function undoes it once and drops it from the ledger. */
  add(kind: LedgerEntry['kind'], label: string, undo: () => void): () => void {
    const entry: LedgerEntry = { kind, label, undo };
    this.entries.push(entry);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.entries = this.entries.filter((e) => e !== entry);
      undo();
    };
  }

  get size(): number {
    return this.entries.length;
  }

  describe(): string[] {
    return this.entries.map((e) => `${e.kind} ${e.label}`);
  }

  /** Undoes everything, newest first; returns the errors of undo functions that threw. */
  undoAll(): unknown[] {
    const errors: unknown[] = [];
    const entries = this.entries.reverse();
    this.entries = [];
    for (const e of entries) {
      try {
        e.undo();
      } catch (err) {
        errors.push(err);
      }
    }
    return errors;
  }
}
