/**
 * Per-call time limit for plugin hooks that return a promise. Synchronous hooks never reach
 * here, so they pay for no timer; a promise gets one timer, cleared as soon as it settles.
 * A timed-out hook keeps running (JavaScript cannot cancel it); the kernel just stops waiting.
 */
import { InfrarustError } from '../errors.ts';

/** True for promises and other thenables (plugins may return either). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Resolves or rejects like `pending`, or rejects with IR_ERR_PLUGIN_HOOK after `ms`. */
export function settleWithin<T>(pending: PromiseLike<T>, ms: number, hook: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(function hookTimedOut() {
      reject(new InfrarustError('IR_ERR_PLUGIN_HOOK', `${hook} did not settle within ${ms} ms; the proxy stopped waiting for it (move slow work off this hook or make it faster)`));
    }, ms);
    pending.then(
      function hookSettled(value) {
        clearTimeout(timer);
        resolve(value);
      },
      function hookRejected(err: unknown) {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** Validates a timeout option once, at construction: setTimeout treats bad values as 1 ms. */
export function checkTimeout(ms: number, name: string): number {
  if (Number.isInteger(ms) && ms > 0 && ms <= 0x7fffffff) return ms;
  throw new RangeError(`${name} must be an integer from 1 to 2147483647 ms, got ${String(ms)}`);
}

/**
 * A synchronous-only hook that returned a promise is already a failure; this keeps that promise
 * from later becoming an unhandled rejection, which would take the whole process down.
 */
export function ignoreLateRejection(value: unknown): void {
  if (isThenable(value)) value.then(undefined, function lateRejectionIgnored() {});
}
