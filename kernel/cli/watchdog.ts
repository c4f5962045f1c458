/**
 * The stall watchdog, main-thread side. A synchronous loop in trusted code (a plugin's listener,
 * a kernel bug) blocks the one event loop: no connection moves, no timer fires, and signal
 * handlers, which Node runs on that loop, never run. Only another thread can notice.
 *
 * - The main thread bumps a counter in a SharedArrayBuffer every HEARTBEAT_MS (an unref'd timer).
 * - A worker thread (watchdog-worker.mjs, plain JS: workers do not get the tsx loader) checks the
 *   counter. When it has not moved for `warnAfterMs`, it asks the stuck thread for a report
 *   through an in-process inspector session (`Runtime.evaluate` is served by a V8 interrupt, so
 *   it runs even inside a `while (true) {}`): `stallReport` below returns the plugin scope of the
 *   stuck code and its stack (source-mapped), and removes the SIGINT/SIGTERM listeners, so that a
 *   signal sent during the stall takes the default action and ends the process at once (and puts
 *   a raw-mode terminal back to cooked mode, so that Ctrl-C is a signal again). The worker logs
 *   the stall with that report and the hook markers (plugin-scope.ts: the hook running now, the
 *   last one entered).
 * - After `stallTimeoutMs` the worker writes a fatal line and sends SIGKILL to the process: a
 *   worker cannot exit the process (its process.exit ends only itself, process.abort is refused),
 *   and SIGKILL needs no cooperation from the stuck thread. A supervisor then restarts it.
 * - When the loop runs again before that, the next heartbeat puts the signal listeners back.
 *
 * Under a debugger (`--inspect`) a paused process looks stalled: the watchdog then only warns.
 */
import { Worker } from 'node:worker_threads';
import inspector from 'node:inspector';
import { isatty } from 'node:tty';
import type { Logger } from '../log/logger.ts';
import { currentScope, HOOK_MARKS, onHookNamed } from '../plugin-system/host/plugin-scope.ts';

const HEARTBEAT_MS = 100;
/** beat[BEATS]: heartbeats so far; beat[DETACHED]: 1 while the signal listeners are taken off. */
const BEATS = 0;
const DETACHED = 1;
const REPORT_KEY = Symbol.for('infrarust.watchdog.report');
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const WORKER_URL = new URL('./watchdog-worker.mjs', import.meta.url);

export interface WatchdogOptions {
  /** Kill the process after the event loop was blocked this long (ms). */
  stallTimeoutMs: number;
  /** Log the stall (and make signals end the process) after this long; default min(1 s, timeout / 2). */
  warnAfterMs?: number;
  log: Logger;
  /** The watchdog thread writes its own lines: plain text for a terminal, else JSON like pino's. */
  pretty: boolean;
}

export interface Watchdog {
  stop(): Promise<void>;
}

/** What the worker gets back from the stuck thread. */
export interface StallReport {
  plugin?: string;
  hook?: string;
  frames: string[];
}

export function startWatchdog(options: WatchdogOptions): Watchdog {
  const { log, stallTimeoutMs } = options;
  const warnAfterMs = options.warnAfterMs ?? Math.min(1_000, Math.floor(stallTimeoutMs / 2));
  const kill = inspector.url() === undefined;
  if (!kill) log.warn('a debugger is attached (--inspect): the stall watchdog only warns, it never kills the process');
  const beat = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
  const signals = new DetachedSignals();
  (globalThis as Record<symbol, unknown>)[REPORT_KEY] = function stallReport(): string {
    signals.detach();
    Atomics.store(beat, DETACHED, 1);
    return JSON.stringify(reportHere());
  };
  const worker = new Worker(WORKER_URL, {
    workerData: { beat: beat.buffer, marks: HOOK_MARKS.buffer, stallTimeoutMs, warnAfterMs, pretty: options.pretty, level: log.levelVal, kill },
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
    stdout: false,
    stderr: false,
  });
  worker.unref();
  worker.on('error', (err) => log.error({ err }, 'the stall watchdog failed; stalls of the event loop are no longer detected'));
  const unsubscribe = onHookNamed((index, name) => worker.postMessage({ index, name }));
  let lastBeat = performance.now();
  const timer = setInterval(function heartbeat() {
    Atomics.add(beat, BEATS, 1);
    const now = performance.now();
    if (Atomics.load(beat, DETACHED) === 1) {
      signals.reattach();
      Atomics.store(beat, DETACHED, 0);
      log.warn({ stalledMs: Math.round(now - lastBeat) }, 'the event loop runs again after a stall; SIGINT/SIGTERM are handled again (a signal that arrived during the stall was not)');
    }
    lastBeat = now;
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      unsubscribe();
      delete (globalThis as Record<symbol, unknown>)[REPORT_KEY];
      await worker.terminate();
    },
  };
}

/** Runs on the stuck thread, inside the interrupt: whose code it is and where. */
function reportHere(): StallReport {
  const scope = currentScope();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 12;
  const stack = new Error('stalled').stack ?? '';
  Error.stackTraceLimit = limit;
  // Drop the message, this function, stallReport and the evaluated expression.
  const frames = stack.split('\n').slice(1).map((l) => l.trim()).filter((l) => !/^at (reportHere|stallReport)\b|^at <anonymous>:/.test(l));
  return { plugin: scope?.plugin, hook: scope?.hook, frames: frames.slice(0, 6) };
}

/** SIGINT/SIGTERM listeners taken off during a stall (default action: the process ends) and put back after. */
class DetachedSignals {
  private readonly saved = new Map<NodeJS.Signals, ((...args: unknown[]) => void)[]>();
  private rawTerminal = false;

  detach(): void {
    for (const signal of SIGNALS) {
      const listeners = process.listeners(signal) as ((...args: unknown[]) => void)[];
      if (listeners.length === 0 || this.saved.has(signal)) continue;
      this.saved.set(signal, listeners);
      process.removeAllListeners(signal);
    }
    // A console in raw mode reads Ctrl-C as a key, on the stuck thread: make it a signal again.
    if (isatty(0) && process.stdin.isRaw) {
      this.rawTerminal = true;
      process.stdin.setRawMode(false);
    }
  }

  reattach(): void {
    for (const [signal, listeners] of this.saved) for (const listener of listeners) process.on(signal, listener);
    this.saved.clear();
    if (this.rawTerminal) process.stdin.setRawMode(true);
    this.rawTerminal = false;
  }
}
