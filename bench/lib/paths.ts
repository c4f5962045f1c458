// The paths under test. `direct` is the sink itself; the others are relays, each its own
// process listening on 127.0.0.1, started fresh on demand and stopped by the harness.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ChildRpc } from './ipc.ts';
import { waitReady } from './ipc.ts';
import { freePort, stopChild, tail, track, waitForPort } from './proc.ts';

export type PathName = 'direct' | 'node-pipe' | 'infrarust' | 'haproxy';
export const ALL_PATHS: PathName[] = ['direct', 'node-pipe', 'infrarust', 'haproxy'];

export interface Relay {
  path: PathName;
  port: number;
  /** Process whose CPU and RSS are measured; null for direct. */
  pid: number | null;
  /** ms from spawn until the port accepted and the smoke round trip succeeded */
  startMs: number;
  stop(): Promise<void>;
}

export interface RelayEnv {
  repoRoot: string;
  workDir: string; // bench/.work (pid file)
  tmp: string; // per-run temp dir for configs and logs
  sinkPort: number;
  haproxyBin: string | null;
  /** nbthread for HAProxy; undefined = its default (one thread per CPU) */
  haproxyThreads?: number;
  client: ChildRpc;
  log: (msg: string) => void;
}

const PIDFILE = 'relays.pids';

/** Kill relays a previous, killed harness left behind (only pids whose cmdline names its temp dir). */
export function reapStale(workDir: string): void {
  const file = path.join(workDir, PIDFILE);
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return;
  }
  const staleDirs = new Set<string>();
  for (const line of text.split('\n')) {
    const [pidS, owner, marker] = line.split('\t');
    const pid = Number(pidS);
    if (!pid || !marker) continue;
    if (fs.existsSync(`/proc/${owner}`)) continue; // its harness is still running
    if (path.basename(marker).startsWith('infrarust-bench-')) staleDirs.add(marker);
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(marker)) {
        process.kill(pid, 'SIGKILL');
        console.error(`[bench] killed stale relay pid ${pid} from an earlier run`);
      }
    } catch {
      /* gone */
    }
  }
  for (const d of staleDirs) fs.rmSync(d, { recursive: true, force: true });
  fs.writeFileSync(file, '');
}

function recordPid(env: RelayEnv, pid: number | undefined): void {
  if (pid) fs.appendFileSync(path.join(env.workDir, PIDFILE), `${pid}\t${process.pid}\t${env.tmp}\n`);
}

export function findHaproxy(allowInstall: boolean, log: (m: string) => void): { bin: string | null; version?: string; why?: string } {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  const look = () => dirs.map((d) => path.join(d, 'haproxy')).find((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }) ?? null;
  let bin = look();
  if (!bin && allowInstall) {
    if (process.getuid?.() !== 0) return { bin: null, why: 'haproxy not found and not root (cannot apt-get install)' };
    log('haproxy not found; trying `apt-get install -y haproxy` (once, 150 s limit)…');
    const opts = { stdio: 'ignore' as const, timeout: 150_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
    let r = spawnSync('apt-get', ['install', '-y', '-qq', 'haproxy'], opts);
    if (r.status !== 0) {
      spawnSync('apt-get', ['update', '-qq'], opts);
      r = spawnSync('apt-get', ['install', '-y', '-qq', 'haproxy'], opts);
    }
    bin = look();
    if (!bin) return { bin: null, why: `apt-get install haproxy failed (status ${r.status}${r.error ? `, ${r.error.message}` : ''})` };
  }
  if (!bin) return { bin: null, why: 'haproxy not found on PATH (install skipped)' };
  let version: string | undefined;
  try {
    version = execFileSync(bin, ['-v'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    /* keep going */
  }
  return { bin, version };
}

export class Relays {
  readonly unavailable = new Map<PathName, string>();
  private seq = 0;

  constructor(private env: RelayEnv) {
    if (!env.haproxyBin) this.unavailable.set('haproxy', 'haproxy binary not available');
  }

  available(paths: PathName[]): PathName[] {
    return paths.filter((p) => !this.unavailable.has(p));
  }

  /** Start a fresh instance; null (and the path marked unavailable) if it cannot be started. */
  async start(p: PathName): Promise<Relay | null> {
    if (this.unavailable.has(p)) return null;
    if (p === 'direct') return { path: p, port: this.env.sinkPort, pid: null, startMs: 0, stop: async () => {} };
    const t0 = Date.now();
    const dir = path.join(this.env.tmp, `${p}-${++this.seq}`);
    fs.mkdirSync(dir, { recursive: true });
    const logFile = path.join(dir, 'out.log');
    let child: ChildProcess | null = null;
    try {
      let port: number;
      if (p === 'node-pipe') {
        child = track(spawn(process.execPath, [path.join(this.env.repoRoot, 'bench/lib/node-pipe-relay.mjs'), String(this.env.sinkPort), this.env.tmp], {
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        }));
        port = (await waitReady<{ port: number }>(child, 'node-pipe relay', 10_000)).port;
      } else {
        port = await freePort();
        const out = fs.openSync(logFile, 'w');
        if (p === 'haproxy') {
          const cfg = path.join(dir, 'haproxy.cfg');
          fs.writeFileSync(cfg, haproxyConfig(port, this.env.sinkPort, this.env.haproxyThreads));
          child = track(spawn(this.env.haproxyBin!, ['-f', cfg, '-db'], { stdio: ['ignore', out, out] }));
        } else {
          const cfg = path.join(dir, 'infrarust.toml');
          fs.mkdirSync(path.join(dir, 'servers'));
          fs.writeFileSync(cfg, `bind = "127.0.0.1:${port}"\nservers_dir = "${path.join(dir, 'servers')}"\n\n[status_cache]\nttl = "5s"\n`);
          fs.writeFileSync(path.join(dir, 'servers', 'bench.toml'), `domains = ["bench.local"]\naddresses = ["127.0.0.1:${this.env.sinkPort}"]\n`);
          const entry = path.join(this.env.repoRoot, 'bin/infrarust.mjs');
          if (!fs.existsSync(entry)) throw new Error(`${entry} does not exist (yet)`);
          // cwd = the temp dir, so nothing the proxy writes next to itself lands in the repo.
          // Run the launcher itself (its shebang carries the V8 flags users get).
          child = track(spawn(entry, ['-c', cfg, '-l', 'warn'], { cwd: dir, stdio: ['ignore', out, out] }));
        }
        fs.closeSync(out);
        recordPid(this.env, child.pid);
        await waitForPort(port, child, p === 'infrarust' ? 30_000 : 10_000);
      }
      // Smoke test: one full preamble round trip through the relay to the sink and back.
      const smoke = await this.env.client.call<{ ok: number; firstError?: string }>(
        'conns', { port, count: 1, concurrency: 1, perConnTimeoutMs: 5000 }, 10_000);
      if (smoke.ok !== 1) throw new Error(`smoke connection failed: ${smoke.firstError}`);
      const c = child;
      return { path: p, port, pid: c.pid!, startMs: Date.now() - t0, stop: () => stopChild(c) };
    } catch (e) {
      if (child) await stopChild(child, 1000);
      const logTail = tail(logFile);
      const why = `${e instanceof Error ? e.message : String(e)}${logTail ? `\n    log tail:\n${logTail.replace(/^/gm, '      ')}` : ''}`;
      this.unavailable.set(p, why);
      this.env.log(`!! ${p} unavailable: ${why}`);
      return null;
    }
  }
}

function haproxyConfig(port: number, sinkPort: number, threads?: number): string {
  return `# generated by bench/lib/paths.ts
global
    maxconn 4096
${threads ? `    nbthread ${threads}\n` : ''}
defaults
    mode tcp
    maxconn 4096
    timeout connect 5s
    timeout client 10m
    timeout server 10m

frontend bench_in
    bind 127.0.0.1:${port}
    default_backend bench_sink

backend bench_sink
    server sink 127.0.0.1:${sinkPort}
`;
}
