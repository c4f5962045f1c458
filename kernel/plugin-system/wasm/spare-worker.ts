/**
 * One guest worker thread started ahead of need: a thread takes ~21 ms to start, a third of a
 * guest's load, so each guest start takes the spare (then told what to run by an `init` message)
 * and a new spare is started in the background for the next restart or reload. One idle thread,
 * only once a WASM guest has been started; ended with the loader.
 */
import { Worker } from 'node:worker_threads';

let spare: { worker: Worker; heapMb: number | undefined; onError: () => void; onExit: () => void } | undefined;
let closed = false;

function start(url: URL, heapMb: number | undefined): Worker {
  const worker = new Worker(url, {
    stdout: true,
    stderr: true,
    // Not the parent's `--import tsx`: the worker is plain JS, and tsx registering its loader in
    // every worker measured +43 ms per start (46 → 89 ms to ready) and its own hooks thread.
    execArgv: [],
    resourceLimits: heapMb === undefined ? undefined : { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.min(16, Math.max(4, heapMb >> 2)) },
  });
  worker.unref();
  return worker;
}

/** A started worker thread waiting for its `init` message: the spare when it fits, else a new one. */
export function guestThread(url: URL, heapMb: number | undefined): Worker {
  closed = false;
  let worker: Worker;
  if (spare !== undefined && spare.heapMb === heapMb) {
    worker = spare.worker;
    worker.off('error', spare.onError).off('exit', spare.onExit);
    spare = undefined;
  } else worker = start(url, heapMb);
  setImmediate(() => {
    if (spare !== undefined || closed) return;
    const next = start(url, heapMb);
    // A spare that dies before it is taken is dropped.
    const entry = { worker: next, heapMb, onError: () => undefined, onExit: () => void (spare === entry && (spare = undefined)) };
    spare = entry;
    next.on('error', entry.onError).on('exit', entry.onExit);
  });
  return worker;
}

/** Ends the spare (the loader closes, or tests end). */
export async function closeSpareWorker(): Promise<void> {
  closed = true;
  const s = spare;
  spare = undefined;
  await s?.worker.terminate();
}
