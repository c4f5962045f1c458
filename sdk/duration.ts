/**
 * Durations as Infrarust v2 writes them: humantime strings ("5s", "300ms", "1h30m", "2min").
 *
 * Infrarust v2 deserialises every duration with `humantime_serde`, so its config files only ever
 * contain strings. We parse the same grammar and return milliseconds, because that is what Node
 * timers and sockets take.
 *
 * Decision: a bare number (TOML `timeout = 5` or the string "5") is rejected, as in v2. It is
 * ambiguous (seconds? milliseconds?) and no v2 file can contain one; the error tells the user to
 * write "5s" or "5000ms". The only unit-less value accepted is "0", which humantime also accepts.
 */
import { z } from 'zod';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** humantime's unit table, in milliseconds. Months and years use humantime's averages. */
const UNIT_MS: Readonly<Record<string, number>> = {
  nanos: 1e-6, nsec: 1e-6, ns: 1e-6,
  micros: 1e-3, usec: 1e-3, us: 1e-3, 'µs': 1e-3,
  millis: 1, msec: 1, ms: 1,
  seconds: SECOND, second: SECOND, secs: SECOND, sec: SECOND, s: SECOND,
  minutes: MINUTE, minute: MINUTE, mins: MINUTE, min: MINUTE, m: MINUTE,
  hours: HOUR, hour: HOUR, hrs: HOUR, hr: HOUR, h: HOUR,
  days: DAY, day: DAY, d: DAY,
  weeks: 7 * DAY, week: 7 * DAY, w: 7 * DAY,
  months: 30.44 * DAY, month: 30.44 * DAY, M: 30.44 * DAY,
  years: 365.25 * DAY, year: 365.25 * DAY, y: 365.25 * DAY,
};

/** The hint every duration error ends with. */
export const DURATION_HINT = 'expected a duration like "5s" or "1h30m"';

const COMPONENT = /(\d+)\s*([A-Za-zµ]+)/y;

/**
 * Parses a humantime duration into milliseconds.
 *
 * Accepts one or more `<integer><unit>` parts, optionally separated by spaces: "5s", "300ms",
 * "2m", "2min", "1h30m", "1h 30m", "1d", "1w", "30sec". Throws a RangeError that says what is
 * wrong otherwise.
 *
 * @example parseDuration('1h30m') // 5_400_000
 */
export function parseDuration(text: string): number {
  const source = text.trim();
  if (source === '') throw new RangeError(`${DURATION_HINT}, got an empty string`);
  if (source === '0') return 0;
  if (/^\d+(\.\d+)?$/.test(source)) {
    throw new RangeError(`${DURATION_HINT}: "${source}" has no unit (write "${source}s" for seconds or "${source}ms" for milliseconds)`);
  }
  let total = 0;
  let pos = 0;
  while (pos < source.length) {
    while (source[pos] === ' ') pos++;
    COMPONENT.lastIndex = pos;
    const match = COMPONENT.exec(source);
    if (!match) throw new RangeError(`${DURATION_HINT}, got "${source}"`);
    const unit = UNIT_MS[match[2]!];
    if (unit === undefined) {
      throw new RangeError(`${DURATION_HINT}: unknown unit "${match[2]}" in "${source}"`);
    }
    total += Number(match[1]) * unit;
    pos = COMPONENT.lastIndex;
  }
  if (!Number.isSafeInteger(Math.ceil(total))) throw new RangeError(`duration "${source}" is too large`);
  return total;
}

/** Formats milliseconds back into a short humantime string, for messages ("1h30m", "250ms"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of [['d', DAY], ['h', HOUR], ['m', MINUTE], ['s', SECOND]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  if (rest > 0) parts.push(`${rest}ms`);
  return parts.join('');
}

function describeNonString(input: unknown): string {
  if (typeof input === 'number' || typeof input === 'bigint') {
    return `${DURATION_HINT}, got the number ${input} (a bare number is ambiguous: write "${input}s" for seconds or "${input}ms" for milliseconds)`;
  }
  return `${DURATION_HINT}, got ${typeof input}`;
}

/**
 * Zod schema for a duration field: a humantime string in, milliseconds out.
 *
 * @example z.object({ connect_timeout: duration().prefault('5s') }) // { connect_timeout: 5000 }
 */
export function duration() {
  return z
    .string({ error: (issue) => (issue.input === undefined ? undefined : describeNonString(issue.input)) })
    .transform((text, ctx) => {
      try {
        return parseDuration(text);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message, input: text });
        return z.NEVER;
      }
    });
}

/** A duration that must be greater than zero (timeouts, intervals, windows). */
export function positiveDuration() {
  return duration().refine((ms) => ms > 0, { message: 'must be greater than zero' });
}
