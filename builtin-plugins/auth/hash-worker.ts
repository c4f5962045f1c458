/**
 * hash-wasm in a worker thread. Argon2id at the default cost takes ~45–65 ms of CPU; run on the
 * proxy's event loop that would stall every other connection for as long, at every login. The
 * worker loads the same hash-wasm (resolved from this plugin's folder) and answers one message
 * per call. It is unref'd (it never keeps the process alive) and terminated when the plugin
 * unloads; calls still pending then reject.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { HashBackend } from './passwords.ts';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const hw = require(workerData.hashWasm);
const OPS = { argon2id: hw.argon2id, argon2Verify: hw.argon2Verify, bcryptVerify: hw.bcryptVerify };
parentPort.on('message', ({ id, op, options }) => {
  Promise.resolve()
    .then(() => OPS[op](options))
    .then((value) => parentPort.postMessage({ id, value }), (err) => parentPort.postMessage({ id, error: String((err && err.message) || err) }));
});
`;

type Pending = { resolve(value: never): void; reject(err: Error): void };

export function startHashWorker(signal: AbortSignal): HashBackend {
  const hashWasm = createRequire(import.meta.url).resolve('hash-wasm');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { hashWasm } });
  worker.unref();
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closed: Error | undefined;
  const failAll = (err: Error): void => {
    closed ??= err;
    for (const p of pending.values()) p.reject(closed);
    pending.clear();
  };
  worker.on('message', ({ id, value, error }: { id: number; value?: unknown; error?: string }) => {
    const p = pending.get(id);
    pending.delete(id);
    if (error === undefined) p?.resolve(value as never);
    else p?.reject(new Error(error));
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', () => failAll(new Error('the hashing worker stopped')));
  signal.addEventListener('abort', () => void worker.terminate(), { once: true });

  const call = <T>(op: keyof HashBackend, options: object): Promise<T> => {
    if (closed !== undefined) return Promise.reject(closed);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: never) => void, reject });
      worker.postMessage({ id, op, options });
    });
  };
  return {
    argon2id: (options) => call('argon2id', options),
    argon2Verify: (options) => call('argon2Verify', options),
    bcryptVerify: (options) => call('bcryptVerify', options),
  };
}
