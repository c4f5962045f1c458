/**
 * The verified players on disk (`[plugins.antibot.storage]`), so a restart or a reload of the
 * plugin does not send every known player through the check again during an attack.
 * `{ "version": 1, "remember_by": "name_and_ip", "entries": [["<key>", <expiry epoch ms>], …] }`.
 * Written through `ctx.files` (atomic, one write at a time) at most once per SAVE_DELAY_MS:
 * passes during an attack fold into one write. The file holds names and addresses: it is written
 * with mode 0600 (VERIFIED_FILE_MODE).
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { RememberBy } from './verified.ts';

export const SAVE_DELAY_MS = 2_000;
export const VERIFIED_FILE_MODE = 0o600;

const FileSchema = z.object({
  version: z.literal(1),
  remember_by: z.enum(['name_and_ip', 'name', 'ip']),
  entries: z.array(z.tuple([z.string(), z.number()])),
});

export type Entry = readonly [key: string, until: number];

/** The live entries of the file; none when it does not exist or was keyed by another `remember_by`. Throws on a corrupt file. */
export async function readVerified(file: string, by: RememberBy, now: number): Promise<{ entries: Entry[]; note?: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [] };
    throw err;
  }
  const parsed = FileSchema.parse(JSON.parse(text));
  if (parsed.remember_by !== by) return { entries: [], note: `the file was keyed by ${parsed.remember_by}, now ${by}: its entries are dropped` };
  return { entries: parsed.entries.filter(([, until]) => until > now) };
}

export function encodeVerified(by: RememberBy, entries: Iterable<Entry>): string {
  return JSON.stringify({ version: 1, remember_by: by, entries: [...entries] });
}
