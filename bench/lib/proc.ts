// Process helpers: /proc readers (summed over a process tree), child tracking and cleanup,
// free ports, and waiting for a TCP listener.
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';

export const CLK_TCK = (() => {
  try {
    const v = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(v) && v > 0 ? v : 100;
  } catch {
    return 100;
  }
})();

function readStat(pid: number): { ppid: number; ticks: number; user: number; sys: number } | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "comm" (which may contain spaces): state ppid ... utime(14) stime(15)
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), user: Number(f[11]), sys: Number(f[12]) };
  } catch {
    return null;
  }
}

/** pid and all its live descendants. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const st = readStat(Number(d));
    if (!st) continue;
    const list = children.get(st.ppid);
    if (list) list.push(Number(d));
    else children.set(st.ppid, [Number(d)]);
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(children.get(p) ?? []));
  }
  return out;
}

/**
 * CPU time of the tree, in seconds (threads included; exited children are not). Read from each
 * thread's schedstat (nanoseconds) where the kernel offers it: utime+stime count 10 ms ticks,
 * too coarse for samples of a few thousand connections (4 µs steps per connection at 2,500).
 */
export function cpuSeconds(root: number): number {
  let total = 0;
  for (const p of processTree(root)) {
    const ns = threadsCpuNs(p);
    total += ns !== undefined ? ns / 1e9 : (readStat(p)?.ticks ?? 0) / CLK_TCK;
  }
  return total;
}

function threadsCpuNs(pid: number): number | undefined {
  let ns = 0;
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
  } catch {
    return undefined;
  }
  return Number.isFinite(ns) && ns > 0 ? ns : undefined;
}

/** User and system CPU seconds of the tree (10 ms ticks: sum many samples before comparing). */
export function userSysSeconds(root: number): { user: number; sys: number } {
  let user = 0;
  let sys = 0;
  for (const p of processTree(root)) {
    const st = readStat(p);
    user += (st?.user ?? 0) / CLK_TCK;
    sys += (st?.sys ?? 0) / CLK_TCK;
  }
  return { user, sys };
}

/** VmRSS of the tree, in KiB. */
export function rssKiB(root: number): number {
  let kb = 0;
  for (const p of processTree(root)) {
    try {
      const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      /* gone */
    }
  }
  return kb;
}

// ---- child tracking: nothing we start may outlive the harness ------------------------------
const live = new Set<ChildProcess>();

export function track<T extends ChildProcess>(child: T): T {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export function killAllSync(): void {
  for (const c of live) {
    try {
      c.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
}

export async function stopChild(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
}

let handlersInstalled = false;
export function installExitHandlers(onSignal?: () => void): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', killAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      onSignal?.();
      killAllSync();
      process.exit(130);
    });
  }
}

// ---- ports ---------------------------------------------------------------------------------
/** A port that was free a moment ago (bind 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createConnection({ host: '127.0.0.1', port });
    const t = setTimeout(() => done(false), 1000);
    function done(v: boolean) {
      clearTimeout(t);
      s.destroy();
      resolve(v);
    }
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** Poll-connect until the port accepts; fails early if `child` exits. */
export async function waitForPort(port: number, child: ChildProcess | null, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (child && (child.exitCode !== null || child.signalCode !== null))
      throw new Error(`exited before listening (code ${child.exitCode}, signal ${child.signalCode})`);
    if (await tryConnect(port)) return;
    await sleep(100);
  }
  throw new Error(`port ${port} not accepting after ${timeoutMs} ms`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Moves a process and all its threads onto the given CPUs (Linux `taskset`); false when that
 * is not possible here. Threads it starts later inherit the set.
 */
export function pinToCpus(pid: number, cpus: string): boolean {
  // Twice: taskset -a walks /proc/<pid>/task, and a thread that exits meanwhile fails the walk.
  for (let i = 0; i < 2; i++) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
      return true;
    } catch {
      /* retry once */
    }
  }
  return false;
}

// Taken before anything is pinned: os.availableParallelism() follows the calling process's own
// affinity, so once the harness sits on CPU 0 it says 1 (and "unpinning" to 0-0 did nothing).
const CPUS = os.availableParallelism();

/**
 * Relays on the last CPU, the load (client, sink, harness) on the others: a description, or
 * null when not possible (fewer than 2 CPUs, no taskset), in which case nothing stays pinned.
 * Left to the scheduler, where a relay runs relative to its client and sink moves its CPU per
 * byte or per connection by tens of percent between samples and between processes.
 */
export function pinSplit(relayPids: number[], loadPids: number[]): string | null {
  if (CPUS < 2) return null;
  const ok = relayPids.every((p) => pinToCpus(p, relayCpus())) && loadPids.every((p) => pinToCpus(p, loadCpus()));
  if (!ok) {
    unpin([...relayPids, ...loadPids]);
    return null;
  }
  return `relays on CPU ${relayCpus()}, client/sink/harness on CPU ${loadCpus()}`;
}

/** The CPU set pinned relays get (the last CPU). */
export function relayCpus(): string {
  return String(CPUS - 1);
}

function loadCpus(): string {
  return CPUS === 2 ? '0' : `0-${CPUS - 2}`;
}

/** Back onto every CPU. */
export function unpin(pids: number[]): void {
  const all = `0-${CPUS - 1}`;
  for (const p of pids) pinToCpus(p, all);
}
