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

/** 93 784 000 → `"1d 2h 3m 4s"`; the two largest non-zero units at most, rounding seconds up. */
export function formatDuration(ms: number): string {
  let secs = Math.max(1, Math.ceil(ms / 1000));
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(secs / size);
    secs -= n * size;
    if (n > 0) parts.push(`${n}${unit}`);
  }
  return parts.slice(0, 2).join(' ');
}
