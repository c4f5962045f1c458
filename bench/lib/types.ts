import type { ChildRpc } from './ipc.ts';
import type { PathName, Relays } from './paths.ts';

export interface BenchOptions {
  quick: boolean;
  rounds: number;
  /** bytes per throughput sample */
  bulkBytes: number;
  /** 64 KiB writes corked into one writev by the throughput client (1 = one syscall per write) */
  writeBatch: number;
  /** connections per conn-rate sample */
  conns: number;
  concurrency: number;
  /** connections held open per idle-memory sample */
  idleConns: number;
  /** security workload: rounds, status pings and logins per sample */
  secRounds: number;
  secPings: number;
  secConns: number;
  /** throughput and conn: fresh relay processes per path the rounds are spread over (undefined = one per round) */
  procs?: number;
  /** throughput, conn and security: relays on a CPU of their own, load generators on the others */
  pin: boolean;
  /** security workload: how many fresh pairs of relay processes the rounds are spread over */
  secPairs: number;
  /** intercepted workload: payload bytes per bulk sample on the fast configurations (the slow ones, re-compressing or encrypting, get a quarter) */
  iBytes: number;
  /** intercepted workload: size of one bulk play packet, KiB */
  packetKiB: number;
  /** intercepted workload: full logins per joins sample (client_only: a tenth, at least 100) */
  joins: number;
  /** intercepted workload: only these configurations (undefined = all) */
  iConfigs?: string[];
}

/** One Infrarust configuration of the intercepted workload, and its samples (round order). */
export interface InterceptedSamples {
  /** payload (uncompressed packet) MiB/s, client-side, Acknowledge Finish Configuration → last frame */
  mibs: number[];
  /** relay CPU-s (schedstat) per GiB of payload */
  cpu_s_per_gib: number[];
  /** wire bytes / payload bytes the client received */
  wire_ratio: number[];
  /** load side during the bulk sample: client CPU-s and sink CPU-s per wall second */
  client_cpu: number[];
  sink_cpu: number[];
  joins_per_s: number[];
  /** relay CPU ms per join */
  cpu_ms_per_join: number[];
  /** load side during the joins sample: client and sink CPU-s per wall second */
  join_client_cpu: number[];
  join_sink_cpu: number[];
}

export interface InterceptedResults {
  protocol: number;
  packetSize: number;
  configs: { name: string; what: string }[];
  samples: Record<string, InterceptedSamples>;
  /** raw per-core codec speeds (lib/codec-speed.ts), one sample per round, pinned to the relay CPU */
  codec: { aesMiBs: number[]; aesMiB: number; deflateMiBs: number[]; inflateMiBs: number[]; peekUs: number[]; compressedSize: number | null };
  pinning: string | null;
  errors: string[];
}

/** The two Infrarust configurations of the security workload. */
export type SecConfig = 'infrarust' | 'infrarust-nosec';
export const SEC_CONFIGS: SecConfig[] = ['infrarust', 'infrarust-nosec'];

export interface SecurityResults {
  /** status pings/s and conn/s samples per configuration, in round order */
  pings_per_s: Partial<Record<SecConfig, number[]>>;
  conn_per_s: Partial<Record<SecConfig, number[]>>;
  /** relay CPU (its threads' schedstat run time) per ping / per connection, µs */
  cpu_us_per_ping: Partial<Record<SecConfig, number[]>>;
  cpu_us_per_conn: Partial<Record<SecConfig, number[]>>;
  /** per round: infrarust/infrarust-nosec, the two samples taken back to back (rates) */
  paired_ping_ratio: number[];
  paired_conn_ratio: number[];
  /** per round: infrarust/infrarust-nosec relay CPU per ping / per connection */
  paired_ping_cpu_ratio: number[];
  paired_conn_cpu_ratio: number[];
  /** user and system CPU seconds over all samples, and the operations they served */
  user_sys_s: Partial<Record<'pings' | 'conns', Partial<Record<SecConfig, { user: number; sys: number; ops: number }>>>>;
  /** how the relays and the load were placed on CPUs, or null (not pinned) */
  pinning: string | null;
  /** the plugins' own CPU per connection, in-process (bench/lib/hook-cost.ts), ns: on vs off */
  hook_ns: { ping: { on: number; off: number }; login: { on: number; off: number } } | null;
  /** functional check that the security plugins are active (and off in nosec) */
  checks: string[];
  errors: string[];
}

export type MetricKey = 'throughput_mibs' | 'cpu_s_per_gib' | 'conn_per_s' | 'kb_per_idle_conn';

export interface MetricDef {
  key: MetricKey;
  label: string;
  better: 'higher' | 'lower';
  digits: number;
}

export const METRICS: MetricDef[] = [
  { key: 'throughput_mibs', label: 'bulk throughput, MiB/s', better: 'higher', digits: 0 },
  { key: 'cpu_s_per_gib', label: 'relay CPU-s per GiB', better: 'lower', digits: 2 },
  { key: 'conn_per_s', label: 'connections/s (c=32)', better: 'higher', digits: 0 },
  { key: 'kb_per_idle_conn', label: 'relay RSS KB per idle conn', better: 'lower', digits: 1 },
];

export interface Results {
  samples: Record<MetricKey, Partial<Record<PathName, number[]>>>;
  /** Secondary per-sample data (latencies, baseline RSS, failures) for the JSON file. */
  extra: Record<string, Partial<Record<PathName, unknown[]>>>;
  notes: string[];
  /** set by the security workload */
  security?: SecurityResults;
  /** set by the intercepted workload */
  intercepted?: InterceptedResults;
}

export function emptyResults(): Results {
  return {
    samples: { throughput_mibs: {}, cpu_s_per_gib: {}, conn_per_s: {}, kb_per_idle_conn: {} },
    extra: {},
    notes: [],
  };
}

export interface Ctx {
  opts: BenchOptions;
  paths: PathName[];
  relays: Relays;
  client: ChildRpc;
  sink: ChildRpc;
  /** The processes that generate load (harness, client, sink), for CPU pinning. */
  loadPids: number[];
  /** The sink's 1.21.4 backend listeners by Set Compression threshold ('-1', '256', '512') and its fake session server. */
  sinkPorts?: { login: Record<string, number>; session: number };
  results: Results;
  log: (msg: string) => void;
}

export function push(r: Results, key: MetricKey, p: PathName, v: number): void {
  (r.samples[key][p] ??= []).push(v);
}

export function pushExtra(r: Results, key: string, p: PathName, v: unknown): void {
  ((r.extra[key] ??= {})[p] ??= []).push(v);
}

/** Path order for round `i`, rotated so no path always runs first or last. */
export function rotate<T>(xs: T[], i: number): T[] {
  if (xs.length === 0) return xs;
  const k = i % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
