// @ts-check
/**
 * The stall watchdog's thread (started by watchdog.ts, which explains the design). Plain
 * JavaScript: a worker does not get the tsx loader the main thread runs under.
 *
 * Every CHECK_MS it reads the main thread's heartbeat counter. Not moved for warnAfterMs: it asks
 * the stuck thread for a report (inspector session, served by a V8 interrupt) and logs the stall
 * with the plugin and hook. Not moved for stallTimeoutMs: it writes a fatal line to stdout and a
 * message to stderr, then sends SIGKILL to the process. It writes with fs.writeSync on fds 1 and
 * 2: a worker's process.stdout is forwarded through the main thread, which is the one stuck.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { writeSync } from 'node:fs';
import inspector from 'node:inspector';

const CHECK_MS = 100;
const REPORT_WAIT_MS = 500;
const WARN = 40;
const FATAL = 60;
const LABELS = { 40: 'WARN', 60: 'FATAL' };

const { stallTimeoutMs, warnAfterMs, pretty, level, kill } = workerData;
const beat = new Int32Array(workerData.beat);
const marks = new Int32Array(workerData.marks);
/** @type {Map<number, string>} hook index → "<plugin> <hook>" */
const names = new Map();
parentPort?.on('message', (/** @type {{ index: number, name: string }} */ m) => names.set(m.index, m.name));

let lastCount = Atomics.load(beat, 0);
let lastChange = performance.now();
let warned = false;
let dying = false;
/** @type {{ plugin?: string, hook?: string, frames: string[] } | undefined} */
let report;

setInterval(function checkHeartbeat() {
  const count = Atomics.load(beat, 0);
  const now = performance.now();
  if (count !== lastCount) {
    lastCount = count;
    lastChange = now;
    warned = false;
    report = undefined;
    return;
  }
  const stalledMs = now - lastChange;
  if (!warned && stalledMs >= warnAfterMs) {
    warned = true;
    void askStuckThread().then((r) => {
      report = r;
      if (Atomics.load(beat, 0) === count) warnStall(performance.now() - lastChange);
    });
  }
  if (kill && !dying && stalledMs >= stallTimeoutMs) die(stalledMs);
}, CHECK_MS);

/** The stuck thread's report, or undefined when it cannot run JavaScript (stuck in native code). */
function askStuckThread() {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), REPORT_WAIT_MS);
    try {
      const session = new inspector.Session();
      session.connectToMainThread();
      const expression = "globalThis[Symbol.for('infrarust.watchdog.report')]?.()";
      session.post('Runtime.evaluate', { expression, returnByValue: true }, (err, res) => {
        clearTimeout(timer);
        session.disconnect();
        const value = err === null && res?.exceptionDetails === undefined ? res?.result?.value : undefined;
        resolve(typeof value === 'string' ? JSON.parse(value) : undefined);
      });
    } catch {
      clearTimeout(timer);
      resolve(undefined);
    }
  });
}

/** Where the loop is stuck, from the report and the hook markers. */
function where() {
  const current = names.get(Atomics.load(marks, 0));
  const last = names.get(Atomics.load(marks, 1));
  const at = report?.frames.find((f) => !f.includes('node:internal'));
  let text;
  if (report?.plugin !== undefined) text = `in code of plugin ${report.plugin} (run from its ${report.hook})`;
  else if (current !== undefined) text = `in plugin hook ${current}`;
  else text = `outside any plugin hook (the last one entered: ${last ?? 'none'})`;
  if (at !== undefined) text += `, ${at}`;
  const plugin = report?.plugin ?? current?.split(' ')[0];
  return { text, fields: { plugin, hook: report?.hook ?? current?.slice(current.indexOf(' ') + 1), lastHook: last, frames: report?.frames } };
}

function warnStall(/** @type {number} */ stalledMs) {
  const { text, fields } = where();
  const signals = report !== undefined ? '; a SIGINT/SIGTERM now ends the process at once' : '';
  const limit = kill ? `ends the process at ${seconds(stallTimeoutMs)}` : 'only warns (a debugger is attached)';
  log(WARN, { ...fields, stalledMs: Math.round(stalledMs), code: 'IR_ERR_PROCESS_STALLED' }, `the event loop has been blocked for ${seconds(stalledMs)} ${text}; the watchdog ${limit}${signals}`);
}

function die(/** @type {number} */ stalledMs) {
  const { text, fields } = where();
  const msg = `the event loop has been blocked for ${seconds(stalledMs)} (limit: [events] stall_timeout = ${seconds(stallTimeoutMs)}) ${text}; killing the process (SIGKILL) so that a supervisor restarts it`;
  log(FATAL, { ...fields, stalledMs: Math.round(stalledMs), code: 'IR_ERR_PROCESS_STALLED' }, msg);
  write(2, `infrarust: ${msg} [IR_ERR_PROCESS_STALLED]\n`);
  dying = true;
  process.kill(process.pid, 'SIGKILL');
  // Still here: PID 1 of a container without an init, where the kernel drops signals a process
  // sends itself. Ask the stuck thread to exit instead (works while it runs JavaScript).
  setTimeout(exitThroughStuckThread, 200);
}

function exitThroughStuckThread() {
  try {
    const session = new inspector.Session();
    session.connectToMainThread();
    session.post('Runtime.evaluate', { expression: 'process.exit(70)' });
  } catch {
    // no inspector in this Node build: nothing else can end the process from here
  }
}

function log(/** @type {number} */ lvl, /** @type {Record<string, unknown>} */ fields, /** @type {string} */ msg) {
  if (lvl < level) return;
  if (!pretty) return write(1, `${JSON.stringify({ level: lvl, time: Date.now(), watchdog: true, ...fields, msg })}\n`);
  const time = new Date().toTimeString().slice(0, 8);
  write(1, `[${time}] ${LABELS[lvl]} (watchdog): ${msg}\n`);
}

function seconds(/** @type {number} */ ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** writeSync, retried while a non-blocking pipe is full. */
function write(/** @type {number} */ fd, /** @type {string} */ text) {
  let buf = Buffer.from(text);
  for (let tries = 0; buf.length > 0 && tries < 1000; tries++) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EAGAIN') return;
    }
  }
}
