/**
 * The API key in force. A real `[web] api_key` is used as given (the config check already refused
 * one under 16 characters, and a missing or placeholder key on a non-loopback bind; this plugin
 * checks again so it never serves an open API whatever loaded it). Without one, on loopback, a
 * random key is generated once and kept in `<dataDir>/api-key` (mode 0600) so the dashboard's
 * sign-in survives restarts; its path is logged, the key never is.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { DurableFiles } from 'infrarust/sdk';

export const MIN_API_KEY_LENGTH = 16;
export const API_KEY_PLACEHOLDER = 'CHANGE-ME';

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Why this key cannot be used on this bind, or undefined. */
export function keyProblem(host: string, key: string | undefined): string | undefined {
  const real = key !== undefined && key !== '' && key !== API_KEY_PLACEHOLDER;
  if (real) return key.length < MIN_API_KEY_LENGTH ? `[web] api_key is too short (${key.length} characters); use at least ${MIN_API_KEY_LENGTH}` : undefined;
  return isLoopbackHost(host) ? undefined : `[web] api_key is required (at least ${MIN_API_KEY_LENGTH} characters, not "${API_KEY_PLACEHOLDER}") because the admin API binds to the non-loopback address ${host}`;
}

export class ApiKeyError extends Error {
  readonly code = 'IR_ERR_API_KEY';
}

export interface ResolvedKey {
  key: string;
  /** Set when the key was generated (or reused from an earlier generation). */
  file?: string;
}

export async function resolveApiKey(host: string, configured: string | undefined, dataDir: () => string, files: DurableFiles): Promise<ResolvedKey> {
  const problem = keyProblem(host, configured);
  if (problem !== undefined) throw new ApiKeyError(problem);
  if (configured !== undefined && configured !== '' && configured !== API_KEY_PLACEHOLDER) return { key: configured };
  const file = join(dataDir(), 'api-key');
  const kept = await readFile(file, 'utf8').then((t) => t.trim(), () => '');
  if (kept.length >= MIN_API_KEY_LENGTH) return { key: kept, file };
  const key = randomBytes(24).toString('base64url');
  try {
    await files.writeAtomic(file, `${key}\n`, { mode: 0o600 });
  } catch (err) {
    throw new ApiKeyError(`cannot write the generated API key to ${file}: ${(err as Error).message}`);
  }
  return { key, file };
}
