// Summary table, ratios and targets (text), and the machine-readable summary.
import type { PathName } from './paths.ts';
import { METRICS, SEC_CONFIGS, type MetricKey, type Results, type SecurityResults } from './types.ts';
import { renderIntercepted } from './intercepted-report.ts';

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export type Summary = Record<MetricKey, Partial<Record<PathName, { median: number; min: number; max: number; n: number }>>>;

export function summarize(r: Results): Summary {
  const out = {} as Summary;
  for (const m of METRICS) {
    out[m.key] = {};
    for (const [p, xs] of Object.entries(r.samples[m.key]) as [PathName, number[]][]) {
      if (xs.length) out[m.key][p] = { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
    }
  }
  return out;
}

export interface Ratio { metric: MetricKey; label: string; better: 'higher' | 'lower'; num: PathName; den: PathName; value: number | null }
export interface Target { name: string; rule: string; value: number | null; status: 'PASS' | 'MISS' | 'n/a' }

const RATIO_PAIRS: [PathName, PathName][] = [['infrarust', 'haproxy'], ['infrarust', 'infrarust-js'], ['infrarust-js', 'haproxy'], ['infrarust', 'node-pipe'], ['node-pipe', 'haproxy']];

export function ratios(s: Summary): Ratio[] {
  const out: Ratio[] = [];
  for (const m of METRICS) {
    for (const [num, den] of RATIO_PAIRS) {
      const a = s[m.key][num]?.median;
      const b = s[m.key][den]?.median;
      out.push({ metric: m.key, label: m.label, better: m.better, num, den, value: a !== undefined && b !== undefined && b > 0 ? a / b : null });
    }
  }
  return out;
}

export function targets(s: Summary): Target[] {
  const ratio = (k: MetricKey) => {
    const a = s[k].infrarust?.median;
    const b = s[k].haproxy?.median;
    return a !== undefined && b !== undefined && b > 0 ? a / b : null;
  };
  const t = (name: string, rule: string, value: number | null, ok: (v: number) => boolean): Target => ({
    name, rule, value, status: value === null ? 'n/a' : ok(value) ? 'PASS' : 'MISS',
  });
  const kb = s.kb_per_idle_conn.infrarust?.median;
  return [
    t('throughput', 'infrarust/haproxy ≥ 1.00×', ratio('throughput_mibs'), (v) => v >= 1.0),
    t('connections/s', 'infrarust/haproxy ≥ 0.85×', ratio('conn_per_s'), (v) => v >= 0.85),
    t('idle memory', 'infrarust ≤ 12 KB per idle connection', kb ?? null, (v) => v <= 12),
  ];
}

function fmt(v: number, digits: number): string {
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(rows[0]!), w.map((n) => '-'.repeat(n)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export interface SecuritySummary {
  kind: 'pings' | 'conns';
  label: string;
  on?: { median: number; min: number; max: number; n: number };
  off?: { median: number; min: number; max: number; n: number };
  /** median of the per-round paired ratios infrarust/infrarust-nosec (ratio of medians if none) */
  ratio: number | null;
  pairedMin: number | null;
  pairedMax: number | null;
  /** extra time per connection with the plugins on, µs of wall time at the run's concurrency */
  extraUsPerConn: number | null;
  /** extra time per connection as a % of a connection's time with the plugins off (= nosec/sec − 1) */
  costPct: number | null;
  /** relay CPU µs per ping / connection, both configurations */
  cpuOn?: { median: number; min: number; max: number; n: number };
  cpuOff?: { median: number; min: number; max: number; n: number };
  /** median of the per-round paired CPU ratios, − 1, in % (extra relay CPU per connection) */
  cpuCostPct: number | null;
  target: Target;
}

const stats = (xs: number[] | undefined) => (xs?.length ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length } : undefined);

export function summarizeSecurity(sec: SecurityResults): SecuritySummary[] {
  return (['pings', 'conns'] as const).map((kind) => {
    const samples = kind === 'pings' ? sec.pings_per_s : sec.conn_per_s;
    const paired = kind === 'pings' ? sec.paired_ping_ratio : sec.paired_conn_ratio;
    const cpuSamples = (kind === 'pings' ? sec.cpu_us_per_ping : sec.cpu_us_per_conn) ?? {};
    const cpuPaired = (kind === 'pings' ? sec.paired_ping_cpu_ratio : sec.paired_conn_cpu_ratio) ?? [];
    const cpuOn = stats(cpuSamples['infrarust']);
    const cpuOff = stats(cpuSamples['infrarust-nosec']);
    const cpuCostPct = cpuPaired.length ? (median(cpuPaired) - 1) * 100 : null;
    const on = stats(samples['infrarust']);
    const off = stats(samples['infrarust-nosec']);
    const ratio = paired.length ? median(paired) : on && off && off.median > 0 ? on.median / off.median : null;
    const costPct = ratio && ratio > 0 ? (1 / ratio - 1) * 100 : null;
    const extraUsPerConn = on && off && ratio ? (1e6 / (off.median * ratio) - 1e6 / off.median) : null;
    const label = kind === 'pings' ? 'status pings/s' : 'connections/s';
    const target: Target = {
      name: `security cost, ${kind === 'pings' ? 'pings' : 'logins'}`,
      rule: '< 5% extra time per connection',
      value: costPct,
      status: costPct === null ? 'n/a' : costPct < 5 ? 'PASS' : 'MISS',
    };
    return { kind, label, on, off, ratio, pairedMin: paired.length ? Math.min(...paired) : null, pairedMax: paired.length ? Math.max(...paired) : null, extraUsPerConn, costPct, cpuOn, cpuOff, cpuCostPct, target };
  });
}

export function renderSecurity(sec: SecurityResults, concurrency: number): string {
  const out: string[] = ['Security plugins cost (ip-filter + rate-limit + ban; infrarust = on, infrarust-nosec = disabled):'];
  const sum = summarizeSecurity(sec);
  const cell = (v: SecuritySummary['on']) => (v ? (v.n > 1 ? `${fmt(v.median, 0)} (${fmt(v.min, 0)}–${fmt(v.max, 0)})` : fmt(v.median, 0)) : 'unavail.');
  const rows = [['metric (median, min–max)', ...SEC_CONFIGS, 'on/off (paired, min–max)']];
  for (const x of sum) {
    rows.push([`${x.label} (c=${concurrency}) ↑`, cell(x.on), cell(x.off),
      x.ratio === null ? 'n/a' : `${x.ratio.toFixed(3)}×${x.pairedMin !== null ? ` (${x.pairedMin.toFixed(3)}–${x.pairedMax!.toFixed(3)})` : ''}`]);
  }
  for (const x of sum) {
    const per = x.kind === 'pings' ? 'ping' : 'conn';
    rows.push([`relay CPU µs per ${per} ↓`, cell(x.cpuOn), cell(x.cpuOff),
      x.cpuCostPct === null ? 'n/a' : `${(1 + x.cpuCostPct / 100).toFixed(3)}×`]);
  }
  out.push(table(rows));
  const pct = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`;
  out.push('', 'Cost per connection = nosec rate / security rate − 1 (median of per-round paired ratios); relay CPU in brackets:');
  for (const x of sum) {
    const v = x.costPct === null ? 'n/a' : `${pct(x.costPct)} (${x.extraUsPerConn! >= 0 ? '+' : ''}${x.extraUsPerConn!.toFixed(1)} µs/conn wall at c=${concurrency}; relay CPU ${x.cpuCostPct === null ? 'n/a' : pct(x.cpuCostPct)})`;
    out.push(`  ${x.target.status.padEnd(4)}  ${x.target.name.padEnd(26)} ${x.target.rule.padEnd(32)} measured ${v}`);
  }
  out.push('', `CPU pinning: ${sec.pinning ?? 'off (samples vary more)'}`);
  const split = sec.user_sys_s ?? {};
  for (const kind of ['pings', 'conns'] as const) {
    const on = split[kind]?.['infrarust'];
    const off = split[kind]?.['infrarust-nosec'];
    if (!on?.ops || !off?.ops) continue;
    const us = (x: { user: number; sys: number; ops: number }, k: 'user' | 'sys') => (x[k] * 1e6) / x.ops;
    const pct = (a: number, b: number) => `${a >= b ? '+' : ''}${(((a / b) - 1) * 100).toFixed(1)}%`;
    out.push(`Relay user / system CPU per ${kind === 'pings' ? 'ping' : 'conn'} (all samples): user ${us(on, 'user').toFixed(0)} vs ${us(off, 'user').toFixed(0)} µs (${pct(us(on, 'user'), us(off, 'user'))}), system ${us(on, 'sys').toFixed(0)} vs ${us(off, 'sys').toFixed(0)} µs (${pct(us(on, 'sys'), us(off, 'sys'))})`);
  }
  if (sec.hook_ns) {
    const cpuOff = (kind: 'pings' | 'conns') => sum.find((x) => x.kind === kind)?.cpuOff?.median;
    const share = (ns: number, us: number | undefined) => (us ? ` = ${((ns / 1000 / us) * 100).toFixed(2)}% of the relay's CPU per ${'connection'} without plugins` : '');
    const ping = sec.hook_ns.ping.on - sec.hook_ns.ping.off;
    const login = sec.hook_ns.login.on - sec.hook_ns.login.off;
    out.push('Plugin hooks alone, in-process (bench/lib/hook-cost.ts: accept filters, ConnectionHandshake, PreLogin, close; no sockets):');
    out.push(`  per ping  +${ping.toFixed(0)} ns${share(ping, cpuOff('pings'))}`);
    out.push(`  per login +${login.toFixed(0)} ns${share(login, cpuOff('conns'))}`);
  }
  if (sec.checks.length) out.push('', 'Checks:', ...sec.checks.map((c) => `  ${c}`));
  if (sec.errors.length) out.push('', 'Security workload problems:', ...sec.errors.map((e) => `  - ${e}`));
  return out.join('\n');
}

/** `compare`: the infrarust / infrarust@base block (lib/compare.ts), shown after the ratios. */
export function render(r: Results, paths: PathName[], unavailable: Map<PathName, string>, concurrency = 32, compare?: string): string {
  const s = summarize(r);
  const out: string[] = [];
  const anyMain = METRICS.some((m) => Object.keys(r.samples[m.key]).length > 0);
  if (!anyMain && (r.security || r.intercepted)) {
    if (r.intercepted) out.push(renderIntercepted(r.intercepted, concurrency));
    if (r.security) out.push(...(r.intercepted ? [''] : []), renderSecurity(r.security, concurrency));
    if (r.notes.length) out.push('', 'Notes:', ...r.notes.map((n) => `  - ${n}`));
    out.push('', 'Loopback on a shared machine: expect ±15–25% run to run; judge ratios from the same run, and rerun a near-miss.');
    return out.join('\n');
  }
  const header = ['metric (median, min–max)', ...paths];
  const rows = [header];
  for (const m of METRICS) {
    const row = [`${m.label} (${m.better === 'higher' ? '↑' : '↓'})`];
    for (const p of paths) {
      const v = s[m.key][p];
      if (v) row.push(v.n > 1 ? `${fmt(v.median, m.digits)} (${fmt(v.min, m.digits)}–${fmt(v.max, m.digits)})` : fmt(v.median, m.digits));
      else row.push(unavailable.has(p) ? 'unavail.' : '–');
    }
    rows.push(row);
  }
  out.push(table(rows));

  out.push('', 'Ratios of medians (↑ higher is better, ↓ lower is better):');
  const rr = ratios(s).filter((x) => x.value !== null);
  if (rr.length === 0) out.push('  (none: a path is missing)');
  for (const x of rr) out.push(`  ${x.label.padEnd(28)} ${x.better === 'higher' ? '↑' : '↓'} ${`${x.num}/${x.den}`.padEnd(20)} ${x.value!.toFixed(2)}×`);
  if (compare) out.push('', compare);

  out.push('', 'Targets:');
  for (const t of targets(s)) {
    const v = t.value === null ? 'n/a' : t.name === 'idle memory' ? `${t.value.toFixed(1)} KB` : `${t.value.toFixed(2)}×`;
    out.push(`  ${t.status.padEnd(4)}  ${t.name.padEnd(14)} ${t.rule.padEnd(40)} measured ${v}`);
  }
  if (unavailable.size) {
    out.push('', 'Unavailable paths:');
    for (const [p, why] of unavailable) out.push(`  ${p}: ${why}`);
  }
  if (r.intercepted) out.push('', renderIntercepted(r.intercepted, concurrency));
  if (r.security) out.push('', renderSecurity(r.security, concurrency));
  if (r.notes.length) {
    out.push('', 'Notes:');
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  out.push('', 'Loopback on a shared machine: expect ±15–25% run to run; judge ratios from the same run, and rerun a near-miss.');
  return out.join('\n');
}
