// `--compare DIR`: a second Infrarust build (another checkout of this repository, e.g. a git
// worktree of an older commit) run as the path `infrarust@base` next to `infrarust`, with the
// same config and launch, in the same interleaved rounds, so that load on the machine hits
// both builds alike and the ratio infrarust / infrarust@base shows what a change did.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BASE_PATH } from './paths.ts';
import { median, type Summary } from './report.ts';
import { METRICS, type MetricKey, type Results } from './types.ts';

export interface BaseCheckout {
  root: string;
  /** `git describe`-like label: short commit, "+ uncommitted changes" when dirty; null outside git */
  rev: string | null;
}

/** Validate DIR before anything starts; the error says what to do. */
export function checkBase(dir: string, repoRoot: string): BaseCheckout | string {
  const root = path.resolve(dir);
  const entry = path.join(root, 'bin/infrarust.mjs');
  if (!fs.existsSync(entry)) {
    return `--compare ${dir}: ${entry} not found; DIR must be another checkout of this repository, e.g.\n` +
      `  git worktree add --detach /tmp/infrarust-base <commit> && ln -s ${repoRoot}/node_modules /tmp/infrarust-base/node_modules`;
  }
  // The launcher imports tsx from DIR's node_modules; a fresh worktree has none, and the relay
  // would only die at startup with ERR_MODULE_NOT_FOUND buried in its log.
  try {
    createRequire(entry).resolve('tsx/esm/api');
  } catch {
    return `--compare ${dir}: tsx cannot be resolved from ${root} (no node_modules?); link this repo's:\n` +
      `  ln -s ${repoRoot}/node_modules ${path.join(root, 'node_modules')}`;
  }
  return { root, rev: gitRev(root) };
}

/** Short commit of a checkout, with "+ uncommitted changes" when its tree differs; null if not git. */
export function gitRev(dir: string): string | null {
  const git = (...args: string[]) => spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8', timeout: 10_000 });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return null;
  // node_modules is a symlink in a worktree made as the README says; it is not a change.
  const dirty = git('status', '--porcelain', '--untracked-files=no').stdout.trim() !== '';
  return `${head.stdout.trim()}${dirty ? ' + uncommitted changes' : ''}`;
}

const NEITHER = 'neither build measured';

export interface CompareRow {
  metric: MetricKey;
  label: string;
  better: 'higher' | 'lower';
  /** median(infrarust) / median(infrarust@base) */
  ratio: number | null;
  /** why ratio is null */
  missing?: string;
  /** per-round ratios (samples of one round run seconds apart), when both have every round */
  roundMin: number | null;
  roundMax: number | null;
  roundMedian: number | null;
}

export function compareRows(r: Results, s: Summary): CompareRow[] {
  return METRICS.map((m) => {
    const a = s[m.key].infrarust?.median;
    const b = s[m.key][BASE_PATH]?.median;
    // RSS deltas can be ~0 or negative: no meaningful ratio then.
    const ratio = a !== undefined && b !== undefined && a > 0 && b > 0 ? a / b : null;
    const xs = r.samples[m.key].infrarust ?? [];
    const ys = r.samples[m.key][BASE_PATH] ?? [];
    // A path that failed a sample is dropped (throughput, conn) or skips that round (idle):
    // only equal counts line up round by round.
    const per = xs.length > 0 && xs.length === ys.length && [...xs, ...ys].every((v) => v > 0) ? xs.map((x, i) => x / ys[i]!) : [];
    const missing = a === undefined && b === undefined ? NEITHER : a === undefined ? 'no infrarust samples'
      : b === undefined ? `no ${BASE_PATH} samples` : ratio === null ? 'a median ≤ 0' : undefined;
    return {
      metric: m.key, label: m.label, better: m.better, ratio, missing,
      roundMin: per.length ? Math.min(...per) : null,
      roundMax: per.length ? Math.max(...per) : null,
      roundMedian: per.length ? median(per) : null,
    };
  });
}

export function renderCompare(rows: CompareRow[], thisRev: string | null, base: BaseCheckout): string {
  const out = [`infrarust / ${BASE_PATH}: this checkout (${thisRev ?? 'not a git checkout'}) vs ${base.root} (${base.rev ?? 'not a git checkout'}):`];
  // A metric whose workload did not run (--only) is left out rather than shown as n/a.
  for (const x of rows.filter((r) => r.ratio !== null || r.missing !== NEITHER)) {
    const arrow = x.better === 'higher' ? '↑' : '↓';
    if (x.ratio === null) {
      out.push(`  ${x.label.padEnd(28)} ${arrow} n/a (${x.missing})`);
      continue;
    }
    const pct = (x.ratio - 1) * 100;
    const rounds = x.roundMin === null ? '' : `  per round ${x.roundMin.toFixed(3)}–${x.roundMax!.toFixed(3)}×`;
    out.push(`  ${x.label.padEnd(28)} ${arrow} ${x.ratio.toFixed(3)}× (${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%)${rounds}`);
  }
  // The per-round range only holds the noise between samples of the same two processes, not
  // the process-to-process kind (bench/README.md): a range clear of 1.000 is no proof.
  out.push('  (> 1 = this checkout measured higher; a per-round range spanning 1.000 = no difference shown, one clear of it is not proof: repeat the run)');
  return out.join('\n');
}
