// The intercepted workload's table, ratios and targets (issue 11): offline ≥ 0.8× passthrough
// throughput, client_only ≥ 0.9× the raw AES-128-CFB8 speed of one core, offline joins/s ≥ 0.5×
// passthrough. Ratios are of medians, with the range of the per-round ratios (the configurations
// of one round run within a minute of each other).
import { median } from './report.ts';
import type { InterceptedResults, InterceptedSamples } from './types.ts';

export interface InterceptedTarget {
  name: string;
  rule: string;
  value: number | null;
  /** min–max of the per-round ratios */
  range: [number, number] | null;
  goal: number;
  status: 'PASS' | 'MISS' | 'n/a';
}

type Key = keyof InterceptedSamples;

function perRound(a: number[] | undefined, b: number[] | undefined): [number, number] | null {
  if (!a?.length || a.length !== b?.length) return null;
  const r = a.map((x, i) => x / b[i]!);
  return [Math.min(...r), Math.max(...r)];
}

export function interceptedTargets(res: InterceptedResults): InterceptedTarget[] {
  const m = (cfg: string, k: Key) => {
    const xs = res.samples[cfg]?.[k];
    return xs?.length ? median(xs) : undefined;
  };
  const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined && b > 0 ? a / b : null);
  const t = (name: string, rule: string, goal: number, value: number | null, range: [number, number] | null): InterceptedTarget =>
    ({ name, rule, goal, value, range, status: value === null ? 'n/a' : value >= goal ? 'PASS' : 'MISS' });
  const aes = res.codec.aesMiBs.length ? median(res.codec.aesMiBs) : undefined;
  const s = (cfg: string, k: Key) => res.samples[cfg]?.[k];
  return [
    t('offline throughput', 'offline / passthrough MiB/s ≥ 0.80×', 0.8, ratio(m('offline', 'mibs'), m('passthrough', 'mibs')), perRound(s('offline', 'mibs'), s('passthrough', 'mibs'))),
    t('offline throughput, z256', 'offline-z256 / passthrough-z256 ≥ 0.80×', 0.8, ratio(m('offline-z256', 'mibs'), m('passthrough-z256', 'mibs')), perRound(s('offline-z256', 'mibs'), s('passthrough-z256', 'mibs'))),
    t('client_only throughput', 'client_only / raw AES-CFB8 (1 core) ≥ 0.90×', 0.9, ratio(m('client_only', 'mibs'), aes), perRound(s('client_only', 'mibs'), res.codec.aesMiBs)),
    t('offline joins/s', 'offline / passthrough joins/s ≥ 0.50×', 0.5, ratio(m('offline', 'joins_per_s'), m('passthrough', 'joins_per_s')), perRound(s('offline', 'joins_per_s'), s('passthrough', 'joins_per_s'))),
  ];
}

const fmt = (v: number, d: number) => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function cell(xs: number[] | undefined, d: number): string {
  if (!xs?.length) return '–';
  const v = median(xs);
  return xs.length > 1 ? `${fmt(v, d)} (${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)})` : fmt(v, d);
}

function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(rows[0]!), w.map((n) => '-'.repeat(n)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

export function renderIntercepted(res: InterceptedResults, concurrency: number): string {
  const out = [`Intercepted sessions vs passthrough (1.21.4 = protocol ${res.protocol} logins; ${res.packetSize / 1024} KiB custom_payload play packets, clientbound):`];
  const names = res.configs.map((c) => c.name);
  const rows = [['metric (median, min–max)', ...names]];
  const metric = (label: string, k: Key, d: number) => rows.push([label, ...names.map((n) => cell(res.samples[n]?.[k], d))]);
  metric('payload MiB/s ↑', 'mibs', 0);
  metric('relay CPU-s per GiB ↓', 'cpu_s_per_gib', 2);
  metric(`joins/s (c=${concurrency}) ↑`, 'joins_per_s', 0);
  metric('relay CPU ms per join ↓', 'cpu_ms_per_join', 2);
  metric('wire / payload bytes', 'wire_ratio', 2);
  metric('client CPU (cores) in bulk', 'client_cpu', 2);
  metric('sink CPU (cores) in bulk', 'sink_cpu', 2);
  metric('client CPU (cores) in joins', 'join_client_cpu', 2);
  metric('sink CPU (cores) in joins', 'join_sink_cpu', 2);
  out.push(table(rows));
  const c = res.codec;
  if (c.aesMiBs.length) {
    out.push('', `Raw, one core (pinned like the relays; lib/codec-speed.ts): AES-128-CFB8 ${cell(c.aesMiBs, 1)} MiB/s (${c.aesMiB} MiB in 64 KiB updates); ` +
      `the bulk packet (${res.packetSize} B → ${c.compressedSize} B deflated): deflate ${cell(c.deflateMiBs, 0)} MiB/s, inflate ${cell(c.inflateMiBs, 0)} MiB/s; ` +
      `id peek of a compressed frame (inflate 64 B) ${cell(c.peekUs, 1)} µs`);
  }
  out.push('', 'Targets (ratio of medians; per-round range):');
  for (const t of interceptedTargets(res)) {
    const v = t.value === null ? 'n/a' : `${t.value.toFixed(2)}×${t.range ? ` (${t.range[0].toFixed(2)}–${t.range[1].toFixed(2)})` : ''}${t.status === 'MISS' ? `, ${((1 - t.value / t.goal) * 100).toFixed(0)}% short` : ''}`;
    out.push(`  ${t.status.padEnd(4)}  ${t.name.padEnd(26)} ${t.rule.padEnd(46)} measured ${v}`);
  }
  const mm = (cfg: string, k: Key) => (res.samples[cfg]?.[k]?.length ? median(res.samples[cfg]![k]) : undefined);
  const info: [string, string, string, Key][] = [
    ['offline / passthrough-js MiB/s', 'offline', 'passthrough-js', 'mibs'],
    ['offline / passthrough-js CPU-s/GiB', 'offline', 'passthrough-js', 'cpu_s_per_gib'],
    ['passthrough-js / passthrough MiB/s', 'passthrough-js', 'passthrough', 'mibs'],
    ['offline-z256/512 / offline-z256 MiB/s', 'offline-z256/512', 'offline-z256', 'mibs'],
    ['client_only / offline joins/s', 'client_only', 'offline', 'joins_per_s'],
  ];
  const lines = info.flatMap(([label, a, b, k]) => {
    const x = mm(a, k);
    const y = mm(b, k);
    return x !== undefined && y !== undefined && y > 0 ? [`  ${label.padEnd(40)} ${(x / y).toFixed(2)}×`] : [];
  });
  if (lines.length) out.push('', 'Other ratios (of medians):', ...lines);
  out.push('', 'Configurations:', ...res.configs.map((x) => `  ${x.name.padEnd(17)} ${x.what}`));
  out.push(`CPU pinning: ${res.pinning ?? 'off'}. Client and sink share the load CPU: where their CPU adds up to ~1 core, the load side, not the relay, set that rate.`);
  if (res.errors.length) out.push('', 'Intercepted workload problems:', ...res.errors.map((e) => `  - ${e}`));
  return out.join('\n');
}
