/**
 * bans.json on disk: Infrarust v2's format (plus the `ip_range` target type), decoded strictly.
 * The plugin writes it through `ctx.files` (atomic, one write at a time, bursts folded, mode
 * 0644). The text is rendered in slices, each written before the next is built: a 10,000-ban file with a full audit log is ~5 MB, and rendering it in one
 * JSON.stringify held the event loop for 12–15 ms per save (bench/ban-write.ts, bench/RESULTS.md).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { BanData } from './store.ts';
import { normaliseTarget, TargetError } from './target.ts';

/** The ban file cannot be used: setup throws this, so a critical plugin keeps the proxy down. */
export class BanFileError extends Error {
  constructor(readonly file: string, problem: string, options?: { cause?: unknown }) {
    super(`ban file ${file} ${problem}. Bans were not loaded; fix the file or move it away (a missing file starts an empty ban list)`, options);
    this.name = 'BanFileError';
  }
}

const Target = z.object({ type: z.enum(['ip', 'ip_range', 'username', 'uuid']), value: z.string() });
const EpochSecs = z.number().int().nonnegative();
/** v2 wrote `source` as a string; newer v2 as `{ type, value }` (console, plugin:<id>, …). */
const Source = z.union([
  z.string(),
  z.object({ type: z.string(), value: z.unknown().optional() }).transform(({ type, value }) => (typeof value === 'string' ? `${type}:${value}` : type)),
]);
const Entry = z.object({ target: Target, reason: z.string().nullable().default(null), expires_at: EpochSecs.nullable().default(null), created_at: EpochSecs, source: Source.default('unknown') });
const Audit = z.object({
  action: z.enum(['ban', 'unban', 'expired']),
  target: Target,
  reason: z.string().nullable().default(null),
  source: Source.default(''),
  timestamp: EpochSecs,
});
const File = z.object({ bans: z.array(Entry), audit_log: z.array(Audit).default([]) });

/** Parses and checks a ban file's text; throws BanFileError naming the first problems. */
export function decodeBanFile(text: string, file: string): BanData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BanFileError(file, `is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = File.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new BanFileError(file, `does not have the bans.json shape (${problems.join('; ')})`);
  }
  parsed.data.bans.forEach((entry, i) => {
    try {
      normaliseTarget(entry.target);
    } catch (err) {
      if (err instanceof TargetError) throw new BanFileError(file, `has an invalid target at bans.${i}: ${err.message}`);
      throw err;
    }
  });
  return parsed.data;
}

/** Entries per slice of renderBanFile: ~60 KB of text, well under a millisecond to build. */
const RENDER_SLICE = 256;

/**
 * The ban file's text in slices, built one at a time as they are asked for. Joined, it is
 * exactly `JSON.stringify({ bans, audit_log }, null, 2)` plus a newline (encodeBanFile).
 */
export function* renderBanFile(data: BanData, slice = RENDER_SLICE): Generator<string> {
  yield '{\n  "bans": ';
  yield* renderArray(data.bans, slice);
  yield ',\n  "audit_log": ';
  yield* renderArray(data.audit_log, slice);
  yield '\n}\n';
}

/** An array two levels deep: each item stringified alone and indented by four more spaces. */
function* renderArray(items: readonly unknown[], slice: number): Generator<string> {
  if (items.length === 0) {
    yield '[]';
    return;
  }
  for (let i = 0; i < items.length; i += slice) {
    // A JSON text has no raw newline inside strings, so every '\n' starts an indented line.
    const part = items.slice(i, i + slice).map((item) => `    ${JSON.stringify(item, null, 2).replaceAll('\n', '\n    ')}`);
    yield `${i === 0 ? '[\n' : ',\n'}${part.join(',\n')}`;
  }
  yield '\n  ]';
}

/** The whole ban file as one string (tests, small files); the plugin writes renderBanFile's slices. */
export function encodeBanFile(data: BanData): string {
  return [...renderBanFile(data)].join('');
}

/** Reads the ban file; undefined when it does not exist. Any other failure is a BanFileError. */
export async function readBanFile(file: string): Promise<BanData | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BanFileError(file, `cannot be read (${(err as Error).message})`, { cause: err });
  }
  return decodeBanFile(text, file);
}
