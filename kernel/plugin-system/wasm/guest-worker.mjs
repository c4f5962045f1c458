// The worker thread that runs one WASM guest (plain JS: workers do not get tsx's loader).
//
// The guest is synchronous and so are its host imports (Node 20 has no JSPI). Each import posts
// {type:'sync', op, args} to the main thread and blocks this worker with Atomics.wait on a
// SharedArrayBuffer until the main thread writes the JSON answer; the main thread answers from
// its message handler and never blocks. `log` is fire-and-forget. Calls into the guest arrive as
// {type:'call', seq, method, args} and are answered with {type:'result'|'fail', seq, …}.
import { parentPort, workerData } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// What to run arrives in an `init` message (the thread may have been started ahead of need:
// spare-worker.ts), or in workerData.
const init = workerData?.dir !== undefined ? workerData : await new Promise((resolve) => {
  const onInit = (msg) => {
    if (msg?.type !== 'init') return;
    parentPort.off('message', onInit);
    resolve(msg.data);
  };
  parentPort.on('message', onInit);
});
const { dir, sab, hostCallTimeoutMs, modules: compiled, maxHostCalls = Infinity, maxLogLines = Infinity, maxMemoryBytes } = init;
const state = new Int32Array(sab, 0, 2);
const bytes = new Uint8Array(sab, 8);
const decoder = new TextDecoder();

// Budget per guest call (limits in guest-worker.ts): a guest calling host imports in a tight loop
// fails the call as a fault instead of flooding the main thread; log lines past the cap are dropped.
let hostCalls = 0;
let logLines = 0;
let dropped = 0;
class BudgetExceeded extends Error {}

function host(op, args) {
  if (++hostCalls > maxHostCalls) throw new BudgetExceeded(`made more than ${maxHostCalls} host calls in one call (last: ${op})`);
  Atomics.store(state, 0, 0);
  parentPort.postMessage({ type: 'sync', op, args });
  if (Atomics.wait(state, 0, 0, hostCallTimeoutMs) === 'timed-out') throw new Error(`host call ${op} got no answer in ${hostCallTimeoutMs} ms`);
  const text = decoder.decode(bytes.subarray(0, Atomics.load(state, 1)));
  return JSON.parse(text, revive);
}

/** u64 answers travel through the buffer as {"$big":"123"} (JSON has no BigInt). */
function revive(_key, value) {
  return value !== null && typeof value === 'object' && typeof value.$big === 'string' ? BigInt(value.$big) : value;
}

const call = (op) => (...args) => host(op, args);
const iface = {
  log: {
    log: (level, message) => {
      if (++logLines > maxLogLines) return void dropped++;
      parentPort.postMessage({ type: 'log', level, message: String(message).slice(0, 8192) });
    },
  },
  events: { subscribe: call('events.subscribe'), unsubscribe: call('events.unsubscribe') },
  commands: { register: call('commands.register'), unregister: call('commands.unregister') },
  scheduler: { delay: call('scheduler.delay'), interval: call('scheduler.interval'), cancel: call('scheduler.cancel') },
  'config-read': { config: call('config-read.config') },
  'player-read': { all: call('player-read.all'), find: call('player-read.find') },
  'server-read': { all: call('server-read.all') },
  'player-write': {
    sendMessage: call('player-write.send-message'),
    sendTitle: call('player-write.send-title'),
    sendActionBar: call('player-write.send-action-bar'),
    kick: call('player-write.kick'),
    switchServer: call('player-write.switch-server'),
  },
  ...optInImports(),
};

/** The opt-in interfaces beyond player-write (host side: cap-services.ts, cap-codec-filter.ts, cap-limbo.ts). */
function optInImports() {
  return {
    ban: { ban: call('ban.ban'), unban: call('ban.unban'), isBanned: call('ban.is-banned') },
    'server-manage': { state: call('server-manage.state'), start: call('server-manage.start'), stop: call('server-manage.stop') },
    'codec-filter': { register: call('codec-filter.register'), unregister: call('codec-filter.unregister') },
    limbo: { register: call('limbo.register'), unregister: call('limbo.unregister'), sendMessage: call('limbo.send-message'), complete: call('limbo.complete') },
  };
}

/** jco 1.35 reads unversioned keys while its typings use versioned ones: supply both. */
function importObject() {
  const out = {};
  for (const [name, impl] of Object.entries(iface)) {
    out[`infrarust:plugin/${name}`] = impl;
    out[`infrarust:plugin/${name}@0.1.0`] = impl;
  }
  return out;
}

let guest;
const memories = [];

/** Whether a memory is at its maximum (a failed grow is what an allocation at the cap hits). */
function memoryFull() {
  if (maxMemoryBytes === undefined) return false;
  const slack = Math.max(1 << 20, maxMemoryBytes / 16);
  return memories.some((m) => m.buffer.byteLength >= maxMemoryBytes - slack);
}
/** The opt-in exports (codec-filter-guest, limbo-guest), when the component has them. */
let optInExports = {};

/** `onEvent` → the guest interface's; `limboGuest.onChat` → that export's (this, function). */
function exported(method) {
  const dot = method.indexOf('.');
  const self = dot < 0 ? guest : optInExports[method.slice(0, dot)];
  return [self, self?.[dot < 0 ? method : method.slice(dot + 1)]];
}

async function start() {
  const { instantiate } = await import(pathToFileURL(join(dir, 'guest.js')).href);
  const modules = new Map();
  const getCoreModule = (name) => {
    // Compiled on the main thread with the memory maximum set (core-modules.ts), else here.
    if (!modules.has(name)) modules.set(name, compiled?.[name] !== undefined ? Promise.resolve(compiled[name]) : readFile(join(dir, name)).then((b) => WebAssembly.compile(b)));
    return modules.get(name);
  };
  // Keep the guest's memories: after a trap, one grown to its maximum names the cause.
  const instantiateCore = async (module, imports) => {
    const inst = await WebAssembly.instantiate(module, imports);
    for (const v of Object.values(inst.exports)) if (v instanceof WebAssembly.Memory) memories.push(v);
    return inst;
  };
  const instance = await instantiate(getCoreModule, importObject(), instantiateCore);
  guest = instance.guest ?? instance['infrarust:plugin/guest@0.1.0'];
  optInExports = { codecFilterGuest: instance.codecFilterGuest ?? instance['infrarust:plugin/codec-filter-guest@0.1.0'], limboGuest: instance.limboGuest ?? instance['infrarust:plugin/limbo-guest@0.1.0'] };
  if (guest === undefined) throw new Error('the component does not export infrarust:plugin/guest@0.1.0');
}

function errorText(err) {
  if (err instanceof Error) return err.message;
  if (err !== null && typeof err === 'object' && 'payload' in err) return String(err.payload);
  return String(err);
}

parentPort.on('message', (msg) => {
  if (msg.type !== 'call') return;
  hostCalls = 0;
  logLines = 0;
  dropped = 0;
  try {
    const [self, fn] = exported(msg.method);
    if (typeof fn !== 'function') throw new Error(`the guest does not export ${msg.method}`);
    const value = fn.apply(self, msg.args);
    if (dropped > 0) parentPort.postMessage({ type: 'log', level: 'warn', message: `${dropped} log lines of one ${msg.method} call dropped (at most ${maxLogLines} per call)` });
    parentPort.postMessage({ type: 'result', seq: msg.seq, value });
  } catch (err) {
    // A trap (and a guest's uncaught JS exception, which QuickJS turns into `unreachable`)
    // poisons the instance: every later call fails with "cannot enter component instance".
    // An exhausted budget unwound through the guest's frames: treat the instance as poisoned too.
    const budget = err instanceof BudgetExceeded;
    const trap = budget || err instanceof WebAssembly.RuntimeError || /cannot enter component instance|out of memory/i.test(errorText(err));
    const memory = trap && !budget && memoryFull();
    const message = memory ? `out of memory at its ${Math.round(maxMemoryBytes / 1048576)} MiB maximum (${errorText(err)})` : errorText(err);
    parentPort.postMessage({ type: 'fail', seq: msg.seq, message, trap, budget });
  }
});

start().then(
  () => parentPort.postMessage({ type: 'ready' }),
  (err) => parentPort.postMessage({ type: 'start-failed', message: errorText(err) }),
);
