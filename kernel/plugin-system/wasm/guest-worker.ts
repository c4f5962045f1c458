/**
 * The main thread's side of one guest's worker (guest-worker.mjs). The main thread never waits
 * synchronously: a call posts a message and returns a promise settled by the worker's answer or
 * by the call's deadline. An overrun terminates the worker (`terminate()` stops even a
 * synchronous infinite loop); the owner decides whether to start a new one.
 *
 * The worker's host imports arrive as `sync` messages; `onHost` answers them synchronously and
 * the answer is written into the worker's SharedArrayBuffer as JSON, then `Atomics.notify`.
 */
import type { Worker } from 'node:worker_threads';
import { setFlagsFromString } from 'node:v8';
import { InfrarustError } from '../../errors.ts';
import { CallQueue } from './call-queue.ts';
import { guestThread } from './spare-worker.ts';
import type { CoreModules } from './core-modules.ts';

const WORKER_URL = new URL('./guest-worker.mjs', import.meta.url);
/** Room for one host-call answer (a player list of thousands fits); larger answers are refused. */
const ANSWER_BYTES = 1 << 20;

let flagsSet = false;
/**
 * QuickJS guests use extended-const expressions, behind a flag on Node 20. A worker's execArgv
 * refuses V8 flags, but a flag set in the main process at run time applies to workers started
 * later (measured: without it WebAssembly.compile fails with "i32.add is not allowed in constant
 * expressions").
 */
function enableWasmFlags(): void {
  if (flagsSet) return;
  setFlagsFromString('--experimental-wasm-extended-const');
  flagsSet = true;
}

export interface GuestWorkerOptions {
  /** The transpiled component's folder (component-cache.ts). */
  dir: string;
  label: string;
  startTimeoutMs: number;
  hostCallTimeoutMs: number;
  /** Answers a host import (throwing becomes the import's `err`). */
  onHost: (op: string, args: unknown[]) => unknown;
  onLog: (level: string, message: string) => void;
  /** The worker died outside a call we ended (a crash, an out-of-memory abort). */
  onExit: (reason: string) => void;
  /** Limits (guest-plugin.ts sets them from `[plugins.<id>.wasm]`). */
  limits?: WorkerLimits;
}

export interface WorkerLimits {
  /** Compiled core modules with the memory maximum written in (core-modules.ts). */
  modules?: CoreModules;
  /** That maximum, bytes (a trap with a memory at it is reported as out of memory). */
  maxMemoryBytes?: number;
  /** Calls waiting behind the running one; more fail at once. */
  queueCapacity?: number;
  /** Host imports one guest call may make; more fail the call as a fault. */
  maxHostCalls?: number;
  /** Log lines one guest call may write; more are dropped. */
  maxLogLines?: number;
  /** The worker's own JS heap (jco glue, lifted strings), MiB. */
  heapMb?: number;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

let live = 0;
/** Guest workers started and not yet exited (tests: flat over reloads). */
export function liveGuestWorkers(): number {
  return live;
}

export class GuestWorker {
  private readonly worker: Worker;
  private readonly sab = new SharedArrayBuffer(8 + ANSWER_BYTES);
  private readonly state = new Int32Array(this.sab, 0, 2);
  private readonly bytes = new Uint8Array(this.sab, 8);
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private ended = false;
  private readonly queue: CallQueue;
  readonly ready: Promise<void>;

  constructor(private readonly options: GuestWorkerOptions) {
    enableWasmFlags();
    const limits = options.limits ?? {};
    this.queue = new CallQueue(limits.queueCapacity ?? 1024, options.label);
    this.worker = guestThread(WORKER_URL, limits.heapMb);
    this.worker.postMessage({ type: 'init', data: { dir: options.dir, sab: this.sab, hostCallTimeoutMs: options.hostCallTimeoutMs, modules: limits.modules, maxMemoryBytes: limits.maxMemoryBytes, maxHostCalls: limits.maxHostCalls, maxLogLines: limits.maxLogLines } });
    live++;
    this.worker.once('exit', () => live--);
    // jco's glue prints some failures with console.error: keep them in the plugin's log.
    for (const stream of [this.worker.stdout, this.worker.stderr]) stream.on('data', (chunk: Buffer) => options.onLog('debug', chunk.toString('utf8', 0, Math.min(chunk.length, 4096)).trimEnd()));
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new InfrarustError('IR_ERR_WASM_DEADLINE', `${options.label}: the guest did not start within ${options.startTimeoutMs} ms`));
        void this.terminate('start timeout');
      }, options.startTimeoutMs);
      this.worker.on('message', (msg: WorkerMessage) => {
        if (msg.type === 'ready') (clearTimeout(timer), resolve());
        else if (msg.type === 'start-failed') (clearTimeout(timer), reject(new InfrarustError('IR_ERR_WASM_INVALID', `${options.label}: the guest failed to instantiate: ${msg.message}`)));
        else this.onMessage(msg);
      });
      this.worker.on('error', (err) => (clearTimeout(timer), reject(err), this.died(`crashed: ${err.message}`)));
      this.worker.on('exit', (code) => (clearTimeout(timer), reject(new Error(`worker exited (${code})`)), this.died(`exited with code ${code}`)));
    });
    this.ready.catch(() => undefined);
  }

  /**
   * Calls a guest export; rejects with IR_ERR_WASM_DEADLINE (worker terminated) or
   * IR_ERR_WASM_GUEST (`trap: true` when the instance is now unusable).
   */
  call(method: string, args: unknown[], deadlineMs: number): Promise<unknown> {
    if (this.ended) return Promise.reject(new InfrarustError('IR_ERR_WASM_GUEST', `${this.options.label}: the guest is not running`));
    return this.queue.push(method, () => this.post(method, args, deadlineMs));
  }

  /** Calls waiting behind the running one. */
  get queued(): number {
    return this.queue.length;
  }

  /** Posts one call; its deadline starts now, when the guest is free to start it. */
  private post(method: string, args: unknown[], deadlineMs: number): Promise<unknown> {
    if (this.ended) return Promise.reject(new InfrarustError('IR_ERR_WASM_GUEST', `${this.options.label}: the guest is not running`));
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new InfrarustError('IR_ERR_WASM_DEADLINE', `${this.options.label}: ${method} overran its ${deadlineMs} ms deadline; the guest was stopped`));
        void this.terminate(`${method} overran its deadline`);
      }, deadlineMs);
      this.pending.set(seq, { resolve, reject, timer });
      this.worker.postMessage({ type: 'call', seq, method, args });
    });
  }

  get running(): boolean {
    return !this.ended;
  }

  /** Ends the worker; pending calls reject. */
  async terminate(reason = 'stopped'): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.failPending(reason);
    await this.worker.terminate();
  }

  private died(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.failPending(reason);
    this.options.onExit(reason);
  }

  private failPending(reason: string): void {
    this.queue.clear(() => new InfrarustError('IR_ERR_WASM_GUEST', `${this.options.label}: the guest stopped (${reason})`));
    for (const [seq, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new InfrarustError('IR_ERR_WASM_GUEST', `${this.options.label}: the guest stopped (${reason})`));
      this.pending.delete(seq);
    }
  }

  private onMessage(msg: WorkerMessage): void {
    if (msg.type === 'log') return this.options.onLog(msg.level, msg.message);
    if (msg.type === 'sync') return this.answer(msg.op, msg.args);
    if (msg.type !== 'result' && msg.type !== 'fail') return;
    const p = this.pending.get(msg.seq);
    if (p === undefined) return;
    this.pending.delete(msg.seq);
    clearTimeout(p.timer);
    if (msg.type === 'result') p.resolve(msg.value);
    else p.reject(failure(this.options.label, msg));
  }

  private answer(op: string, args: unknown[]): void {
    let value: unknown;
    try {
      value = this.options.onHost(op, args);
    } catch (err) {
      value = { tag: 'err', val: (err as Error).message ?? String(err) };
    }
    let encoded = Buffer.from(JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === 'bigint' ? { $big: v.toString() } : v)));
    if (encoded.length > ANSWER_BYTES) encoded = Buffer.from(JSON.stringify({ tag: 'err', val: `answer to ${op} too large` }));
    this.bytes.set(encoded);
    Atomics.store(this.state, 1, encoded.length);
    Atomics.store(this.state, 0, 1);
    Atomics.notify(this.state, 0);
  }
}

/** A failed call: a trap poisons the instance; an exhausted host-call budget or memory is named. */
function failure(label: string, msg: { message: string; trap?: boolean; budget?: boolean }): Error {
  const memory = /out of memory/i.test(msg.message);
  const code = msg.budget === true ? 'IR_ERR_WASM_BUDGET' : memory ? 'IR_ERR_WASM_MEMORY' : 'IR_ERR_WASM_GUEST';
  return Object.assign(new InfrarustError(code, `${label}: ${msg.message.slice(0, 2048)}`), { trap: msg.trap === true || memory });
}

type WorkerMessage =
  | { type: 'ready' }
  | { type: 'start-failed'; message: string }
  | { type: 'log'; level: string; message: string }
  | { type: 'sync'; op: string; args: unknown[] }
  | { type: 'result'; seq: number; value: unknown }
  | { type: 'fail'; seq: number; message: string; trap?: boolean; budget?: boolean };
