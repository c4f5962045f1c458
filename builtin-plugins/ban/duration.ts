/**
 * A small humantime parser for ban durations (`"1d"`, `"2h30m"`, `"1w 2d"`) and the formatter used
 * in kick messages and `baninfo`. Durations are milliseconds.
 */
const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000, sec: 1_000, secs: 1_000, second: 1_000, seconds: 1_000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, week: 604_800_000, weeks: 604_800_000,
  y: 31_536_000_000, year: 31_536_000_000, years: 31_536_000_000,
};

const PART = /(\d+)\s*([a-z]+)\s*/gy;

/** `"2h30m"` → 9 000 000. Undefined when the text is not a positive duration (so a reason is never eaten). */
export function parseDuration(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let end = 0;
  for (let m = PART.exec(t); m !== null; m = PART.exec(t)) {
    const unit = UNIT_MS[m[2]];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
    end = PART.lastIndex;
  }
  if (end !== t.length || total <= 0 || !Number.isSafeInteger(total)) return undefined;
  return total;
}

/** 93 784 000 → `"1d 2h"`: the largest non-zero unit and the one below it, seconds rounded up. */
export function formatDuration(ms: number): string {
  const secs = Math.max(1, Math.ceil(ms / 1000));
  const units = [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const;
  const amounts = units.map(([unit, size], i) => [unit, Math.floor((i === 0 ? secs : secs % units[i - 1][1]) / size)] as const);
  const first = amounts.findIndex(([, n]) => n > 0);
  return amounts.slice(first, first + 2).filter(([, n]) => n > 0).map(([unit, n]) => `${n}${unit}`).join(' ');
}
