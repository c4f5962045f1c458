/**
 * The forwarding secret (`[forwarding].secret_file`): Velocity's HMAC key and BungeeGuard's
 * token, the same string the backends are configured with. A missing file is created with a
 * random secret (as Velocity and the Rust anchor do) so a first start works; the secret itself
 * is never logged.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { InfrarustError } from '../../errors.ts';
import type { Logger } from '../../log/logger.ts';

/** 128 random bits as 32 hex digits: safe unquoted in YAML (paper-global.yml), TOML and shells. */
function generateSecret(): string {
  return randomBytes(16).toString('hex');
}

function secretError(file: string, what: string, cause?: unknown): InfrarustError {
  return new InfrarustError('IR_ERR_FORWARDING_SECRET', `forwarding secret file ${file} ${what}`, { cause });
}

let tempCounter = 0;

/**
 * Creates `file` holding `text`, mode 0600, through a complete temp file: readers never see half
 * a secret. `link` rather than `rename` so a file someone else created meanwhile is never
 * replaced: that fails with EEXIST and the caller reads the winner's secret.
 */
async function createSecretFile(file: string, text: string): Promise<void> {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.${tempCounter++}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${text}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await link(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}

/**
 * Reads the secret from `file` (already resolved against the config folder), trimmed. When the
 * file does not exist, writes a new random one there (mode 0600) and logs where at info.
 * Throws IR_ERR_FORWARDING_SECRET, naming the file, when it is empty, unreadable or cannot be
 * created.
 *
 * const secret = await loadForwardingSecret('/etc/infrarust/forwarding.secret', log);
 */
export async function loadForwardingSecret(file: string, log: Pick<Logger, 'info'>): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw secretError(file, `cannot be read (${(err as Error).message}); check its permissions`, err);
    }
    return createSecret(file, log);
  }
  const secret = text.trim();
  if (secret === '') {
    throw secretError(file, 'is empty; put the secret your backends use in it, or delete the file to have a new one generated');
  }
  return secret;
}

async function createSecret(file: string, log: Pick<Logger, 'info'>): Promise<string> {
  const secret = generateSecret();
  try {
    await createSecretFile(file, secret);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadForwardingSecret(file, log);
    throw secretError(file, `does not exist and cannot be created (${(err as Error).message}); create it with the secret your backends use`, err);
  }
  log.info({ file }, 'generated a new forwarding secret; configure the same secret on the backends');
  return secret;
}
