/**
 * `type = "local"`: the server is a child process, started through the supervisor
 * (supervisor-script.ts) in `working_dir`. Online when a line of its stdout contains
 * `ready_pattern`; stopped with `stop` on its stdin, killed after `shutdown_timeout`; an exit
 * nobody asked for with a non-zero code is a crash. Its output goes to the proxy's log under the
 * server id. A pid file in `working_dir` (held by the supervisor) keeps a restarted proxy from
 * starting a second copy over the same world while a previous one is still stopping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import type { ServerState } from '../../../sdk/index.ts';
import { ManagerApiError } from '../http.ts';
import type { LocalManagerConfig } from '../options.ts';
import type { ManagerBackend, Observation, WatchSink } from './backend.ts';
import { SUPERVISOR_SCRIPT } from './supervisor-script.ts';

export const LOCK_FILE = '.infrarust-managed.pid';
const MAX_LINE = 2_000;

export interface LocalOptions {
  serverId: string;
  /** `working_dir`, already absolute. */
  cwd: string;
  log: Logger;
}

export function localBackend(config: LocalManagerConfig, options: LocalOptions): ManagerBackend {
  const lockFile = join(options.cwd, LOCK_FILE);
  let proc: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let current: Observation = { state: 'sleeping' };
  let sink: WatchSink | undefined;
  let killTimer: NodeJS.Timeout | undefined;
  const set = (state: ServerState, cause?: string): void => {
    current = { state, cause };
    sink?.report(current);
  };

  const spawnSupervisor = (): void => {
    // The proxy's loader flags (NODE_OPTIONS) are not the supervisor's; the server gets them back.
    const { NODE_OPTIONS: nodeOptions, ...env } = process.env;
    const spec = { command: config.command, args: config.args, cwd: options.cwd, lockFile, stopCommand: 'stop', shutdownTimeoutMs: config.shutdown_timeout, nodeOptions };
    const child = spawn(process.execPath, ['-e', SUPERVISOR_SCRIPT], {
      cwd: options.cwd,
      env: { ...env, INFRARUST_SUPERVISOR_SPEC: JSON.stringify(spec) },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    proc = child;
    child.stdin!.on('error', () => undefined);
    pipeLines(child, 'stdout', (line) => {
      options.log.info({ server: options.serverId, stream: 'stdout' }, line);
      if (current.state === 'starting' && line.includes(config.ready_pattern)) set('online');
    });
    pipeLines(child, 'stderr', (line) => options.log.warn({ server: options.serverId, stream: 'stderr' }, line));
    exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        clearTimeout(killTimer);
        proc = undefined;
        const how = code !== null ? `exit code ${code}` : `signal ${signal}`;
        if (current.state === 'stopping') set('sleeping');
        else if (code === 75) set('crashed', `another copy already runs in ${options.cwd} (${LOCK_FILE})`);
        else if (code === 127) set('crashed', `cannot start ${config.command} in ${options.cwd}`);
        else if (code === 0) set('sleeping', 'the server exited by itself (code 0)');
        else set('crashed', `the server process exited unexpectedly (${how})`);
        resolve();
      }),
    );
    set('starting');
  };

  const stopNow = (): void => {
    if (proc === undefined || current.state === 'stopping') return;
    set('stopping');
    proc.stdin!.write('stop\n');
    const child = proc;
    killTimer = setTimeout(() => {
      options.log.warn({ server: options.serverId, timeoutMs: config.shutdown_timeout }, 'the server did not stop within shutdown_timeout: killing it');
      child.kill('SIGTERM'); // the supervisor kills the server with SIGKILL
    }, config.shutdown_timeout);
  };

  return {
    async probe() {
      if (proc === undefined) {
        const other = foreignCopy(lockFile);
        if (other !== undefined) return { state: 'stopping', cause: `a previous copy (supervisor pid ${other}) still runs in ${options.cwd}` };
        if (current.state === 'stopping' || current.state === 'starting' || current.state === 'online') current = { state: 'sleeping' };
      }
      return current;
    },
    async start() {
      if (proc !== undefined) {
        if (current.state === 'stopping') throw new ManagerApiError('the server is stopping; start it again once it has stopped');
        return;
      }
      const other = foreignCopy(lockFile);
      if (other !== undefined) throw new ManagerApiError(`a previous copy (supervisor pid ${other}) still runs in ${options.cwd}: not starting a second one`);
      spawnSupervisor();
    },
    async stop() {
      stopNow();
    },
    watch(s, signal) {
      sink = s;
      signal.addEventListener('abort', () => (sink = undefined), { once: true });
    },
    async close() {
      stopNow();
      await exited;
    },
  };
}

/** The pid in the lock file when a live process that is not ours holds it. */
function foreignCopy(lockFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(lockFile, 'utf8'));
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

function pipeLines(child: ChildProcess, stream: 'stdout' | 'stderr', onLine: (line: string) => void): void {
  const rl = createInterface({ input: child[stream]!, crlfDelay: Infinity });
  rl.on('line', (line) => onLine(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line));
}
