/**
 * The verified players on disk (`[plugins.antibot.storage]`), so a restart or a reload of the
 * plugin does not send every known player through the check again during an attack.
 * `{ "version": 1, "remember_by": "name_and_ip", "entries": [["<key>", <expiry epoch ms>], …] }`.
 * Written atomically (temp file in the same folder, fsync, rename, fsync the folder), at most one
 * write at a time and one per SAVE_DELAY_MS: passes during an attack fold into one write.
 * The file holds names and addresses: it is written with mode 0600.
 */
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { ScheduledTask } from '../../sdk/index.ts';
import type { RememberBy } from './verified.ts';

export const SAVE_DELAY_MS = 2_000;

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

let tempCounter = 0;
const tempPrefix = (file: string): string => `.${basename(file)}.`;

/** Replaces `file` with `text` so that a crash at any moment leaves the old or the new content. */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `${tempPrefix(file)}${process.pid}.${tempCounter++}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o600);
    try {
      await writeFile(handle, text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  let dirHandle;
  try {
    dirHandle = await open(dir, 'r');
    await dirHandle.sync(); // makes the rename durable; not every platform can fsync a folder
  } catch {
    // the rename is atomic either way
  } finally {
    await dirHandle?.close();
  }
}

/** Removes temp files a killed process left next to the file. */
export async function removeStaleTemps(file: string): Promise<void> {
  const dir = dirname(file);
  const names = await readdir(dir).catch(() => [] as string[]);
  const prefix = tempPrefix(file);
  await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => rm(join(dir, n), { force: true })));
}

/**
 * Saves on request, at most once per `delayMs` and one write at a time; `flush` writes now what
 * is pending (unload). A failed write is reported to `onError` and retried at the next request.
 */
export class DelayedWriter {
  private dirty = false;
  private timer: ScheduledTask | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly render: () => string,
    private readonly delay: (ms: number, task: () => void) => ScheduledTask,
    private readonly onError: (err: Error) => void,
    private readonly delayMs = SAVE_DELAY_MS,
  ) {}

  request(): void {
    this.dirty = true;
    if (this.timer !== undefined) return;
    this.timer = this.delay(this.delayMs, () => {
      this.timer = undefined;
      void this.flush();
    });
  }

  /** Resolves once everything requested so far is on disk (or failed). */
  flush(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    this.running = this.running.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      await writeFileAtomic(this.file, this.render()).catch((err: Error) => {
        this.dirty = true;
        this.onError(err);
      });
    });
    return this.running;
  }
}
