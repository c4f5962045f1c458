// Summary table, ratios and targets (text), and the machine-readable summary.
import type { PathName } from './paths.ts';
import { METRICS, type MetricKey, type Results } from './types.ts';

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

const RATIO_PAIRS: [PathName, PathName][] = [['infrarust', 'haproxy'], ['infrarust', 'node-pipe'], ['node-pipe', 'haproxy']];

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

export function render(r: Results, paths: PathName[], unavailable: Map<PathName, string>): string {
  const s = summarize(r);
  const out: string[] = [];
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

  out.push('', 'Targets:');
  for (const t of targets(s)) {
    const v = t.value === null ? 'n/a' : t.name === 'idle memory' ? `${t.value.toFixed(1)} KB` : `${t.value.toFixed(2)}×`;
    out.push(`  ${t.status.padEnd(4)}  ${t.name.padEnd(14)} ${t.rule.padEnd(40)} measured ${v}`);
  }
  if (unavailable.size) {
    out.push('', 'Unavailable paths:');
    for (const [p, why] of unavailable) out.push(`  ${p}: ${why}`);
  }
  if (r.notes.length) {
    out.push('', 'Notes:');
    for (const n of r.notes) out.push(`  - ${n}`);
  }
  out.push('', 'Loopback on a shared machine: expect ±15–25% run to run; judge ratios from the same run, and rerun a near-miss.');
  return out.join('\n');
}
