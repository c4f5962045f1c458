/**
 * `ctx.files`: the one implementation of atomic, kill-safe file writes for plugins (ban, auth and
 * antibot each carried a copy). A write goes to a temp file in the same folder, is fsynced,
 * renamed over the file, and the folder is fsynced, so a crash at any moment leaves the old or
 * the new content. A writer serialises writes of a plugin's latest state and folds bursts; its
 * delay timer is a scheduled task of the plugin (in its ledger), and its pending state is written
 * when the plugin's signal aborts.
 */
import { mkdir, open, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { DurableFiles, FileWriter, FileWriterOptions, ScheduledTask } from '../../../sdk/plugin.ts';
import type { Logger } from '../../log/logger.ts';

export interface DurableFilesDeps {
  /** The plugin's signal: pending saves are written when it aborts, and later saves write at once. */
  signal: AbortSignal;
  /** The plugin's scheduler (owned timers). */
  delay: (ms: number, task: () => void) => ScheduledTask;
  /** Where failed writes go when a writer has no `onError`. */
  log: Pick<Logger, 'error'>;
}

export function createDurableFiles(deps: DurableFilesDeps): DurableFiles {
  return {
    writeAtomic: (file, text, options) => writeFileAtomic(file, text, options?.mode),
    removeStaleTemps,
    writer: (file, render, options) => new SerialWriter(file, render, deps, options ?? {}),
  };
}

let tempCounter = 0;
const tempPrefix = (file: string): string => `.${basename(file)}.`;

/**
 * Replaces `file` with `text`. An iterable's slices are written one at a time (Node awaits each
 * slice's write before asking for the next), so the event loop runs between them.
 */
export async function writeFileAtomic(file: string, text: string | Iterable<string>, mode = 0o644): Promise<void> {
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  const temp = join(dir, `${tempPrefix(file)}${process.pid}.${tempCounter++}.tmp`);
  try {
    const handle = await open(temp, 'w', mode);
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
  await syncDir(dir);
}

/** Makes the rename durable. Some platforms cannot fsync a folder; the rename is still atomic. */
async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM/EINVAL on platforms without directory fsync.
  } finally {
    await handle?.close();
  }
}

/** Removes temp files a killed process left next to `file` (never read: they may be torn). */
export async function removeStaleTemps(file: string): Promise<void> {
  const dir = dirname(file);
  const names = await readdir(dir).catch(() => [] as string[]);
  const prefix = tempPrefix(file);
  await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => rm(join(dir, n), { force: true })));
}

const ignore = (): void => undefined;

/**
 * One write at a time. A save while a write runs is folded with every other save made meanwhile
 * into one more write, which renders the state when it starts. With `minIntervalMs`, a save
 * starts a timer instead and the write happens when it fires (or at flush).
 */
class SerialWriter implements FileWriter {
  private dirty = false;
  /** The write not started yet: it will include the current state. */
  private queued: Promise<void> | undefined;
  private tail: Promise<void> = Promise.resolve();
  private timer: ScheduledTask | undefined;
  /** Saves waiting for the timer, settled by the write it starts. */
  private delayed: PromiseWithResolversLike | undefined;

  constructor(
    private readonly file: string,
    private readonly render: () => string | Iterable<string>,
    private readonly deps: DurableFilesDeps,
    private readonly options: FileWriterOptions,
  ) {
    deps.signal.addEventListener('abort', () => void this.flush(), { once: true });
  }

  save(): Promise<void> {
    this.dirty = true;
    const ms = this.options.minIntervalMs ?? 0;
    const done = ms > 0 && !this.deps.signal.aborted ? this.later(ms) : this.write();
    done.catch(ignore); // reported to onError; a caller that does not await must not crash the process
    return done;
  }

  flush(): Promise<void> {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.dirty || this.delayed !== undefined) void this.start().catch(ignore);
    return this.tail;
  }

  private later(ms: number): Promise<void> {
    this.timer ??= this.deps.delay(ms, () => {
      this.timer = undefined;
      void this.start().catch(ignore);
    });
    this.delayed ??= deferred();
    return this.delayed.promise;
  }

  /** Starts (queues) a write and settles the saves that waited for the timer with it. */
  private start(): Promise<void> {
    const waiting = this.delayed;
    this.delayed = undefined;
    const run = this.write();
    if (waiting !== undefined) run.then(waiting.resolve, waiting.reject);
    return run;
  }

  private write(): Promise<void> {
    if (this.queued !== undefined) return this.queued;
    const run = this.tail.then(async () => {
      this.queued = undefined;
      if (!this.dirty) return;
      this.dirty = false;
      try {
        await writeFileAtomic(this.file, this.render(), this.options.mode);
      } catch (err) {
        this.dirty = true; // not on disk: the next save or flush tries again
        this.report(err as Error);
        throw err;
      }
    });
    this.queued = run;
    this.tail = run.catch(ignore);
    return run;
  }

  private report(err: Error): void {
    try {
      if (this.options.onError === undefined) this.deps.log.error({ err, file: this.file }, 'could not write a file');
      else this.options.onError(err);
    } catch (failed) {
      this.deps.log.error({ err: failed, file: this.file }, 'a file writer onError threw');
    }
  }
}

interface PromiseWithResolversLike {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function deferred(): PromiseWithResolversLike {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  promise.catch(ignore);
  return { promise, resolve, reject };
}
