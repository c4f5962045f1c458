// Command-line flags of the stress tool.

export type Mode = 'flood' | 'malformed' | 'mixed';

export interface StressOptions {
  mode: Mode;
  host: string;
  port: number;
  /** Local address to connect from (the OS picks one when absent). */
  source?: string;
  concurrency: number;
  durationS: number;
  /** Handshake address (the proxy routes by it). */
  domain: string;
  protocol: number;
  /** Flood: an answer must arrive within this. */
  timeoutMs: number;
  /** Malformed: the proxy must close within this, else the connection counts as "stayed open". */
  closeWithinMs: number;
  /** Slowloris: one byte every this many ms. */
  slowIntervalMs: number;
  reportEveryMs: number;
  /** Print the final summary as one `STRESS_RESULT {json}` line too. */
  json: boolean;
}

export const DEFAULT_CONCURRENCY: Record<Mode, number> = { flood: 200, malformed: 50, mixed: 200 };

export const USAGE = `usage: npm run stress -- flood|malformed|mixed [options]

  flood      valid handshakes at --protocol, alternating status (request + ping, until the pong)
             and login (handshake + Login Start; success = any answer)
  malformed  six attack shapes in turn: huge hostname, bogus VarInt length, random bytes, early
             close, random bytes after a valid handshake, slowloris; success = the proxy closed
             the connection within --close-within
  mixed      both at once (concurrency split in half)

  --host H            target host (default 127.0.0.1)
  --port P            target port (default 25565)
  --source A          local address to connect from, e.g. 127.0.0.2 (the proxy caps
                      not-yet-routed connections per address: max_pre_route_per_ip)
  --concurrency N     parallel connections (default 200 flood / 50 malformed / 200 mixed)
  --duration S        seconds to run (default 300)
  --domain D          handshake address (default localhost)
  --protocol N        handshake protocol version (default 767)
  --timeout MS        flood: answer deadline (default 10000)
  --close-within MS   malformed: the proxy must close within this (default 15000)
  --slow-interval MS  slowloris: one byte every MS (default 500)
  --report-every MS   live stats interval (default 5000)
  --json              also print the final summary as one "STRESS_RESULT {json}" line
  --help              this text

Stats every 5 s: attempts, ok, errors, connect failures, active, p50/p99 latency, conn/s.
Stops at --duration (or Ctrl-C), closes every socket and prints a summary.`;

export class UsageError extends Error {}

const MODES: readonly Mode[] = ['flood', 'malformed', 'mixed'];

export function parseArgs(argv: readonly string[]): StressOptions | 'help' {
  let mode: Mode | undefined;
  const values = new Map<string, string>();
  let json = false;
  const valued = new Set(['host', 'port', 'source', 'concurrency', 'duration', 'domain', 'protocol', 'timeout', 'close-within', 'slow-interval', 'report-every']);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--json') {
      json = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      if (!valued.has(name)) throw new UsageError(`unknown flag --${name}`);
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      values.set(name, value);
      continue;
    }
    if (mode !== undefined) throw new UsageError(`unexpected argument "${arg}"`);
    if (!MODES.includes(arg as Mode)) throw new UsageError(`unknown mode "${arg}" (flood, malformed or mixed)`);
    mode = arg as Mode;
  }
  if (mode === undefined) throw new UsageError('missing mode: flood, malformed or mixed');
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer in ${min}..${max}, got "${raw}"`);
    return n;
  };
  return {
    mode,
    host: values.get('host') ?? '127.0.0.1',
    port: int('port', 25565, 1, 65535),
    source: values.get('source'),
    concurrency: int('concurrency', DEFAULT_CONCURRENCY[mode], 1, 100_000),
    durationS: int('duration', 300, 1, 7 * 24 * 3600),
    domain: values.get('domain') ?? 'localhost',
    protocol: int('protocol', 767, 0, 0x7fffffff),
    timeoutMs: int('timeout', 10_000, 1, 600_000),
    closeWithinMs: int('close-within', 15_000, 1, 600_000),
    slowIntervalMs: int('slow-interval', 500, 1, 600_000),
    reportEveryMs: int('report-every', 5_000, 100, 3_600_000),
    json,
  };
}

/** True for 127.0.0.0/8, ::1 and localhost: anything else gets a warning. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\./.test(h);
}
