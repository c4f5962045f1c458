// The paths under test. `direct` is the sink itself; the others are relays, each its own
// process listening on 127.0.0.1, started fresh on demand and stopped by the harness.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ChildRpc } from './ipc.ts';
import { waitReady } from './ipc.ts';
import { freePort, stopChild, tail, track, waitForPort } from './proc.ts';

export type PathName = 'direct' | 'node-pipe' | 'infrarust' | 'infrarust-js' | 'haproxy' | 'infrarust@base';
/** `infrarust-js`: the same build forced onto its JS relay (INFRARUST_RELAY=js); `infrarust` uses the native splice relay when built. */
export const ALL_PATHS: PathName[] = ['direct', 'node-pipe', 'infrarust', 'infrarust-js', 'haproxy'];
/** Infrarust from another checkout (`--compare DIR`, lib/compare.ts); not in ALL_PATHS: it needs DIR. */
export const BASE_PATH = 'infrarust@base' satisfies PathName;

/**
 * Infrarust configurations. `default`: no security sections (the builtin plugins load with
 * their defaults: nothing to enforce), except `[rate_limit] enabled = false`, since its default
 * limits would stop a bench that connects from one address. `security`: rate limit on with
 * budgets never reached, a global [ip_filter] blacklist and a bans.json of ~1,000 bans, none
 * matching the bench client. `nosec`: the ip-filter, rate-limit and ban plugins disabled.
 */
export type InfrarustProfile = 'default' | 'security' | 'nosec' | 'intercepted';

/**
 * An Infrarust made for one workload (`intercepted`): extra global TOML (after the default
 * profile's), the whole `servers/bench.toml`, and its own readiness check instead of the
 * preamble round trip (an intercepted server expects a real login).
 */
export interface InfrarustSetup {
  /** in logs and --cpu-prof folder names */
  label: string;
  /** top-level keys of infrarust.toml (written before any table) */
  topToml: string;
  /** tables appended to infrarust.toml */
  globalToml: string;
  serverToml: string;
  /** extra environment variables for the relay (e.g. INFRARUST_RELAY=js) */
  env?: Record<string, string>;
  smoke(port: number): Promise<void>;
}

/** Banned login name in the `security` profile (the bench client logs in as `bench_ping`). */
export const BANNED_NAME = 'bench_banned';

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
  /** When set, Infrarust relays run with V8's CPU profiler writing into this directory. */
  cpuProfDir?: string;
  /** Extra node/V8 flags for Infrarust relays. */
  relayFlags?: string[];
  /** Checkout whose bin/infrarust.mjs runs as `infrarust@base` (--compare DIR). */
  baseRoot?: string;
  /** `--runtime steady`: Node relays run with STEADY_V8_FLAGS and STEADY_GLIBC_TUNABLES. */
  steady?: boolean;
  client: ChildRpc;
  log: (msg: string) => void;
}

const PIDFILE = 'relays.pids';

/**
 * `--runtime steady` (the default with --compare): settings that take the two per-process
 * modes out of a Node relay's throughput (bench/README.md, "Fresh processes, and two runtime
 * modes"). glibc: never give the heap top back to the kernel, so 64 KiB read buffers do not
 * page-fault in afresh; V8: start the old generation's limit at 64 MB, so it does not settle just
 * above the live heap and run a full mark-compact every few MB relayed.
 */
export const STEADY_V8_FLAGS = ['--initial-old-space-size=64'];
export const STEADY_GLIBC_TUNABLES = 'glibc.malloc.trim_threshold=268435456';

function relayEnvVars(steady: boolean | undefined): NodeJS.ProcessEnv {
  if (!steady) return process.env;
  const prev = process.env.GLIBC_TUNABLES;
  return { ...process.env, GLIBC_TUNABLES: prev ? `${prev}:${STEADY_GLIBC_TUNABLES}` : STEADY_GLIBC_TUNABLES };
}

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

  get repoRoot(): string {
    return this.env.repoRoot;
  }

  constructor(private env: RelayEnv) {
    if (!env.haproxyBin) this.unavailable.set('haproxy', 'haproxy binary not available');
    if (!env.baseRoot) this.unavailable.set(BASE_PATH, 'no --compare DIR');
  }

  available(paths: PathName[]): PathName[] {
    return paths.filter((p) => !this.unavailable.has(p));
  }

  /** Why a non-default Infrarust profile could not be started (the path stays available). */
  readonly profileErrors = new Map<InfrarustProfile, string>();

  /**
   * Start a fresh instance; null (and the path marked unavailable) if it cannot be started.
   * `profile` applies to infrarust only; a failing non-default profile goes to profileErrors.
   */
  async start(p: PathName, profile: InfrarustProfile = 'default', setup?: InfrarustSetup): Promise<Relay | null> {
    if (profile !== 'default' && p !== 'infrarust') throw new Error(`profile ${profile} is for infrarust only`);
    if ((profile === 'intercepted') !== (setup !== undefined)) throw new Error('profile intercepted goes with a setup');
    if (this.unavailable.has(p) && profile === 'default') return null;
    if (p === 'direct') return { path: p, port: this.env.sinkPort, pid: null, startMs: 0, stop: async () => {} };
    const t0 = Date.now();
    const tag = setup ? setup.label.replace(/[^A-Za-z0-9_.-]/g, '_') : profile;
    const dir = path.join(this.env.tmp, `${p}${profile === 'default' ? '' : `-${tag}`}-${++this.seq}`);
    fs.mkdirSync(dir, { recursive: true });
    const logFile = path.join(dir, 'out.log');
    let child: ChildProcess | null = null;
    try {
      let port: number;
      if (p === 'node-pipe') {
        child = track(spawn(process.execPath, [...(this.env.steady ? STEADY_V8_FLAGS : []), path.join(this.env.repoRoot, 'bench/lib/node-pipe-relay.mjs'), String(this.env.sinkPort), this.env.tmp], {
          stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
          env: relayEnvVars(this.env.steady),
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
          // infrarust and infrarust@base: same config, same flags, same launch; only the
          // checkout the launcher comes from differs.
          const cfg = path.join(dir, 'infrarust.toml');
          fs.mkdirSync(path.join(dir, 'servers'));
          fs.writeFileSync(cfg, setup ? `${infrarustConfig(dir, port, 'default', setup.topToml)}${setup.globalToml}` : infrarustConfig(dir, port, profile));
          fs.writeFileSync(path.join(dir, 'servers', 'bench.toml'), setup?.serverToml ?? `domains = ["bench.local"]\naddresses = ["127.0.0.1:${this.env.sinkPort}"]\n`);
          const entry = path.join(p === BASE_PATH ? this.env.baseRoot! : this.env.repoRoot, 'bin/infrarust.mjs');
          if (!fs.existsSync(entry)) throw new Error(`${entry} does not exist (yet)`);
          // cwd = the temp dir, so nothing the proxy writes next to itself lands in the repo.
          // Run the launcher itself (its shebang carries the V8 flags users get).
          // Profiling or extra flags: node itself with the launcher's V8 flag (--cpu-prof is
          // refused in NODE_OPTIONS).
          const flags = [...(this.env.steady ? STEADY_V8_FLAGS : []), ...(this.env.relayFlags ?? [])];
          if (this.env.cpuProfDir !== undefined) flags.push('--cpu-prof', `--cpu-prof-dir=${path.join(this.env.cpuProfDir, `${p}-${tag}-${this.seq}`)}`);
          const cmd = flags.length === 0 ? [entry] : [process.execPath, '--max-semi-space-size=2', ...flags, entry];
          child = track(spawn(cmd[0], [...cmd.slice(1), '-c', cfg, '-l', 'warn'], { cwd: dir, stdio: ['ignore', out, out], env: { ...relayEnvVars(this.env.steady), ...(p === 'infrarust-js' ? { INFRARUST_RELAY: 'js' } : {}), ...setup?.env } }));
        }
        fs.closeSync(out);
        recordPid(this.env, child.pid);
        await waitForPort(port, child, p === 'infrarust' || p === 'infrarust-js' || p === BASE_PATH ? 30_000 : 10_000);
      }
      // Smoke test: one full preamble round trip through the relay to the sink and back.
      if (setup) await setup.smoke(port);
      else {
        const smoke = await this.env.client.call<{ ok: number; firstError?: string }>(
          'conns', { port, count: 1, concurrency: 1, perConnTimeoutMs: 5000 }, 10_000);
        if (smoke.ok !== 1) throw new Error(`smoke connection failed: ${smoke.firstError}`);
      }
      const c = child;
      return { path: p, port, pid: c.pid!, startMs: Date.now() - t0, stop: () => stopChild(c) };
    } catch (e) {
      if (child) await stopChild(child, 1000);
      const logTail = tail(logFile);
      const why = `${e instanceof Error ? e.message : String(e)}${logTail ? `\n    log tail:\n${logTail.replace(/^/gm, '      ')}` : ''}`;
      if (profile === 'default') this.unavailable.set(p, why);
      else this.profileErrors.set(profile, why);
      this.env.log(`!! ${p}${profile === 'default' ? '' : ` (${tag})`} unavailable: ${why}`);
      return null;
    }
  }
}

function infrarustConfig(dir: string, port: number, profile: InfrarustProfile, topToml = ''): string {
  let toml = `bind = "127.0.0.1:${port}"\nservers_dir = "${path.join(dir, 'servers')}"\n${topToml}\n[status_cache]\nttl = "5s"\n`;
  if (profile === 'security') {
    const bans = path.join(dir, 'bans.json');
    fs.writeFileSync(bans, `${JSON.stringify(benchBans(), null, 2)}\n`);
    toml += securityToml(bans);
  } else if (profile === 'default') {
    // Rate limiting is on by default, and every bench connection comes from 127.0.0.1: keep the
    // plugin loaded but off, as v2's default was, so the relay itself is what gets measured.
    toml += `\n[rate_limit]\nenabled = false\n`;
  } else if (profile === 'nosec') {
    toml += `
[plugins.ip-filter]
enabled = false

[plugins.rate-limit]
enabled = false

[plugins.ban]
enabled = false
`;
  }
  return toml;
}

/** The security profile's sections: active, but never triggered by the bench client. */
export function securityToml(bansFile: string): string {
  return `
# Active, but never triggered by the bench client (127.0.0.1, name bench_ping, random UUIDs).
[rate_limit]
enabled = true
max_connections = 1000000
window = "10s"
status_max = 1000000
status_window = "10s"

[ip_filter]
blacklist = ["10.0.0.0/8", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32", "fc00::/7"]

[ban]
file = "${bansFile}"
`;
}

/**
 * ~1,000 bans in Infrarust v2's bans.json format: usernames, UUIDs, IPs and ranges, none of
 * them matching the bench client (127.0.0.1, `bench_ping`, random v4 UUIDs: the banned UUIDs
 * are version 0, which randomUUID-style v4 ids never are), plus `BANNED_NAME` for the check.
 */
export function benchBans(): { bans: unknown[]; audit_log: unknown[] } {
  const created = Math.floor(Date.now() / 1000) - 86_400;
  const bans: unknown[] = [];
  const add = (type: 'ip' | 'ip_range' | 'username' | 'uuid', value: string, i: number) =>
    bans.push({ target: { type, value }, reason: i % 3 === 0 ? 'bench ban' : null, expires_at: i % 4 === 0 ? created + 10 * 365 * 86_400 : null, created_at: created + i, source: 'bench' });
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  for (let i = 0; i < 300; i++) add('username', `griefer_${String(i).padStart(4, '0')}`, i);
  for (let i = 0; i < 300; i++) add('uuid', `${hex(0x5eed0000 + i, 8)}-${hex(i, 4)}-0${hex(i & 0xfff, 3)}-8${hex(i, 3)}-${hex(i * 7919, 12)}`, i);
  for (let i = 0; i < 150; i++) add('ip', `10.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}`, i);
  for (let i = 0; i < 100; i++) add('ip', `2001:db8:${hex(i, 4)}::${hex(i + 1, 1)}`, i);
  for (let i = 0; i < 100; i++) add('ip_range', `172.${16 + (i & 15)}.${i}.0/24`, i);
  for (let i = 0; i < 49; i++) add('ip_range', `2001:db8:${hex(0x8000 + i, 4)}::/48`, i);
  add('username', BANNED_NAME, 0);
  return { bans, audit_log: [] };
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
