/**
 * accounts.json on disk: Infrarust v2's format (a JSON array of account records, every field
 * kept, unknown ones included), decoded strictly. The plugin writes it through `ctx.files`
 * (atomic, one write at a time, a burst folded into one write, mode 0600: it holds password
 * hashes); a temp file a killed process left behind is removed at startup and never read.
 */
import { readFile } from 'node:fs/promises';
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

/** The file holds password hashes: it is written readable by the proxy's user only. */
export const ACCOUNTS_FILE_MODE = 0o600;

/** The file's text as v2 renders it: two-space JSON and a newline. */
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
