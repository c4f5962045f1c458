/**
 * Which plugin's code is running: the async context that lets a fault outside the wrapped calls
 * (a throw in a plugin's own `setTimeout`, a rejection nobody handled) be pinned on the plugin
 * whose code scheduled it, and the "current hook" marker the stall watchdog reads.
 *
 * Every call the host makes into plugin code (setup, teardown, listeners, filters, commands,
 * scheduled tasks, limbo handlers: scoped-registrations.ts) goes through `scopedFunction`, which
 * - sets `running` to the plugin version and hook for the duration of the synchronous call;
 * - writes the hook's index into HOOK_MARKS, a SharedArrayBuffer the watchdog thread reads while
 *   the main thread is stuck: `current` while a hook runs synchronously (0 in kernel code),
 *   `last` = the last hook entered. Names are in a table (`hookName`) sent to the watchdog once
 *   per new (plugin, hook) pair, so the marker itself is one integer store.
 * An async_hooks init hook copies the scope onto every async resource (timer, promise, socket,
 * nextTick…) created while `running` is set, or while a resource that carries a scope runs, so
 * the scope follows the plugin's work through any chain of callbacks. The process handlers
 * (kernel/cli/fault-handlers.ts) read it with `currentScope()`: Node runs uncaughtException
 * inside the failing callback's resource and unhandledRejection inside the promise's.
 *
 * Cost, measured on Node 20.20 (details in the commit that added this file):
 * - per wrapped call: a variable and two marker stores. bench/lib/hook-cost.ts (the security
 *   plugins' per-connection steps in-process, medians of 5 runs): ~185 → ~260 ns per ping and
 *   ~350 → ~430 ns per login. AsyncLocalStorage.run in the wrapper instead: ~385 / ~590 ns (≈ 30
 *   ns a call); enterWith: ~450 / ~670. End to end (a daemon's CPU per login, pinned, two runs
 *   of 12 rounds) the wrappers, fault handlers and watchdog together measured −1.4 % / +1.1 %:
 *   noise.
 * - the init hook is the real cost, and it is global: Node 20 then calls it for every async
 *   resource of the process (dozens per login), and `executionAsyncResource()` makes Node hand
 *   each callback's resource to JavaScript. Daemon CPU per login: +6.2 % / +5.4 % (an empty init
 *   hook: +2.6 %; AsyncLocalStorage, which propagates the same way on Node 20: +5.7 %). So it
 *   is enabled only once a plugin from plugins_dir loads (`trackAsyncResources`); builtin plugins
 *   ship with the proxy, and their faults are attributed by their stack frames instead.
 *   Node ≥ 24 (AsyncContextFrame) propagates AsyncLocalStorage without a hook: this module is
 *   where to switch when the proxy requires it.
 */
import { createHook, executionAsyncResource } from 'node:async_hooks';
import { pluginOf } from '../../layers/owner.ts';

/** The plugin version and hook on whose behalf code runs. */
export interface PluginScope {
  /** `<plugin id>#<generation>`, as the layers record owners. */
  readonly owner: string;
  readonly plugin: string;
  /** e.g. `setup`, `event:PreLogin`, `transport:onAccept my-filter`, `scheduler:interval`. */
  readonly hook: string;
  /** Index of `<plugin> <hook>` in the hook table (never 0). */
  readonly index: number;
}

const SCOPE = Symbol('infrarust.pluginScope');
type Carrier = { [SCOPE]?: PluginScope };

/** The scope of the plugin code running synchronously now (set by the wrappers). */
let running: PluginScope | undefined;
let tracking = false;

/** The init hook: a new async resource inherits the scope of the code that created it. */
function inheritScope(_asyncId: number, _type: string, _triggerAsyncId: number, resource: object): void {
  const scope = running ?? (executionAsyncResource() as Carrier)[SCOPE];
  if (scope !== undefined) (resource as Carrier)[SCOPE] = scope;
}

/**
 * Starts carrying scopes into async resources (idempotent). The plugin host calls it before the
 * first setup of a plugin from plugins_dir: until then (builtin plugins only) nothing pays for it.
 */
export function trackAsyncResources(): void {
  if (tracking) return;
  tracking = true;
  createHook({ init: inheritScope }).enable();
}

/** HOOK_MARKS[MARK_CURRENT]: the hook running synchronously now (0: none). */
export const MARK_CURRENT = 0;
/** HOOK_MARKS[MARK_LAST]: the last hook entered (stays set after it returned). */
export const MARK_LAST = 1;
/** Shared with the watchdog thread (kernel/cli/watchdog.ts); written with plain stores. */
export const HOOK_MARKS = new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));

const indexByName = new Map<string, number>();
const names: string[] = [''];
const namedListeners = new Set<(index: number, name: string) => void>();

/** The scope of `owner`'s hook `hook`; registrations make one each (cheap: no per-call work). */
export function pluginScope(owner: string, hook: string): PluginScope {
  const plugin = pluginOf(owner);
  const key = `${plugin} ${hook}`;
  let index = indexByName.get(key);
  if (index === undefined) {
    index = names.push(key) - 1;
    indexByName.set(key, index);
    for (const listener of namedListeners) listener(index, key);
  }
  return Object.freeze({ owner, plugin, hook, index });
}

/** `<plugin> <hook>` for a marker value, or undefined for 0 / unknown. */
export function hookName(index: number): string | undefined {
  return index > 0 ? names[index] : undefined;
}

/** Every (index, name) so far, then each new one as it is made. Returns the unsubscribe. */
export function onHookNamed(listener: (index: number, name: string) => void): () => void {
  for (let i = 1; i < names.length; i++) listener(i, names[i]);
  namedListeners.add(listener);
  return () => void namedListeners.delete(listener);
}

/** The plugin scope of the code running now, including its timers' and promises' callbacks. */
export function currentScope(): PluginScope | undefined {
  return running ?? (executionAsyncResource() as Carrier)[SCOPE];
}

/** Runs `fn` as plugin code of `scope` (setup, teardown). */
export function runInScope<R>(scope: PluginScope, fn: () => R): R {
  const previous = HOOK_MARKS[MARK_CURRENT];
  HOOK_MARKS[MARK_CURRENT] = scope.index;
  HOOK_MARKS[MARK_LAST] = scope.index;
  const outer = running;
  running = scope;
  try {
    return fn();
  } finally {
    HOOK_MARKS[MARK_CURRENT] = previous;
    running = outer;
  }
}

type Hook = (this: unknown, a?: unknown, b?: unknown, c?: unknown) => unknown;

/**
 * `fn` (called with `self` as `this`) wrapped to run as plugin code of `scope`. Up to three
 * arguments are passed, which every hook of the sdk needs; a fixed arity keeps the call free of
 * a rest array. Returns what `fn` returns and throws what it throws.
 */
export function scopedFunction<F extends (...args: never[]) => unknown>(scope: PluginScope, fn: F, self?: unknown): F {
  const bound = (self === undefined ? fn : fn.bind(self)) as unknown as Hook;
  const index = scope.index;
  return function inPluginScope(a?: unknown, b?: unknown, c?: unknown): unknown {
    const previous = HOOK_MARKS[MARK_CURRENT];
    HOOK_MARKS[MARK_CURRENT] = index;
    HOOK_MARKS[MARK_LAST] = index;
    const outer = running;
    running = scope;
    try {
      return bound(a, b, c);
    } finally {
      HOOK_MARKS[MARK_CURRENT] = previous;
      running = outer;
    }
  } as unknown as F;
}
