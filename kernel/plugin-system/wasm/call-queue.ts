/**
 * One guest runs one call at a time (its worker is a single thread), so calls queue on the main
 * thread and each is posted only when the one before it settled: a call's deadline then counts
 * from when the guest starts it, and a burst of calls behind one slow call is not cut for the time
 * it waited. The queue is bounded (`[plugins.<id>.wasm] queue_capacity`): past it a call fails at
 * once with IR_ERR_WASM_QUEUE_FULL (not a fault of the guest: it is not restarted); access events
 * then deny, observer events skip the guest, as for any failing listener.
 */
import { InfrarustError } from '../../errors.ts';

interface Waiting {
  run: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class CallQueue {
  private busy = false;
  private readonly waiting: Waiting[] = [];

  constructor(private readonly capacity: number, private readonly label: string) {}

  /** Calls `run` when the calls queued before it have settled. */
  push<T>(what: string, run: () => Promise<T>): Promise<T> {
    if (!this.busy) return this.start(run);
    if (this.waiting.length >= this.capacity) {
      return Promise.reject(new InfrarustError('IR_ERR_WASM_QUEUE_FULL', `${this.label}: ${what} refused: ${this.capacity} calls are already waiting for the guest (queue_capacity)`));
    }
    return new Promise<T>((resolve, reject) => this.waiting.push({ run, resolve: resolve as (v: unknown) => void, reject }));
  }

  get length(): number {
    return this.waiting.length;
  }

  /** Rejects every waiting call (the worker ended). */
  clear(err: () => Error): void {
    for (const w of this.waiting.splice(0)) w.reject(err());
  }

  private start<T>(run: () => Promise<T>): Promise<T> {
    this.busy = true;
    const p = run();
    void p.then(this.next, this.next);
    return p;
  }

  private readonly next = (): void => {
    this.busy = false;
    const w = this.waiting.shift();
    if (w !== undefined) this.start(w.run).then(w.resolve, w.reject);
  };
}
