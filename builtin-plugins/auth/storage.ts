/**
 * accounts.json on disk: Infrarust v2's format (a JSON array of account records, every field
 * kept, unknown ones included), decoded strictly, written atomically (temp file in the same
 * folder, fsync, rename, fsync the folder) one write at a time, a burst folded into one write.
 * A temp file a killed process left behind is removed at startup and never read.
 */
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import type { Account } from './accounts.ts';

/** The accounts file cannot be used: setup throws this, so the critical plugin keeps the proxy down. */
export class AccountFileError extends Error {
  constructor(readonly file: string, problem: string, options?: { cause?: unknown }) {
    super(`accounts file ${file} ${problem}. Accounts were not loaded and the auth plugin did not start; fix the file or restore a backup (a missing file starts with no accounts)`, options);
    this.name = 'AccountFileError';
  }
}

const Timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date-time');
const PremiumInfo = z.looseObject({
  mojang_uuid: z.string(),
  force_cracked: z.boolean().default(false),
  first_premium_login: Timestamp,
  last_premium_login: Timestamp.nullable().default(null),
});
const AccountRecord = z.looseObject({
  username: z.string().min(1),
  display_name: z.string().min(1),
  password_hash: z.string().nullable(),
  registered_at: Timestamp,
  last_login: Timestamp.nullable().default(null),
  last_ip: z.string().nullable().default(null),
  login_count: z.number().int().nonnegative().default(0),
  premium_info: PremiumInfo.nullable().default(null),
});
const File = z.array(AccountRecord);

/** Parses and checks the file's text; throws AccountFileError naming the first problems. */
export function decodeAccounts(text: string, file: string): Account[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AccountFileError(file, `is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = File.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AccountFileError(file, `does not have the accounts.json shape (${problems.join('; ')})`);
  }
  const seen = new Set<string>();
  parsed.data.forEach((account, i) => {
    const key = account.username.toLowerCase();
    if (seen.has(key)) throw new AccountFileError(file, `has two accounts for "${key}" (the second at index ${i})`);
    seen.add(key);
  });
  return parsed.data as Account[];
}

export function encodeAccounts(accounts: readonly Account[]): string {
  return `${JSON.stringify(accounts, null, 2)}\n`;
}

/** Reads the file; undefined when it does not exist. Any other failure is an AccountFileError. */
export async function readAccountsFile(file: string): Promise<Account[] | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AccountFileError(file, `cannot be read (${(err as Error).message})`, { cause: err });
  }
  return decodeAccounts(text, file);
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

/** Removes temp files a killed process left next to the accounts file. */
export async function removeStaleTemps(file: string): Promise<void> {
  const dir = dirname(file);
  const names = await readdir(dir).catch(() => [] as string[]);
  const prefix = tempPrefix(file);
  await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => rm(join(dir, n), { force: true })));
}

/** One write at a time; saves requested meanwhile fold into one more write of the state then. */
export class AccountsWriter {
  private tail: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  constructor(private readonly file: string, private readonly render: () => string) {}

  /** Resolves once a write that includes the current state has reached the disk. */
  save(): Promise<void> {
    if (this.queued !== undefined) return this.queued;
    const run = this.tail.then(() => {
      this.queued = undefined;
      return writeFileAtomic(this.file, this.render());
    });
    this.queued = run;
    this.tail = run.catch(() => undefined);
    return run;
  }

  idle(): Promise<void> {
    return this.tail;
  }
}
