/**
 * Password hashes: Argon2id from hash-wasm (pure WebAssembly, no native build) in the PHC string
 * form (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) that v2 wrote, so its accounts.json verifies
 * here. bcrypt hashes (`$2a$`, `$2b$`, `$2y$`; AuthMe and older v2 files) verify too and are
 * flagged for rehashing. An unknown name still costs one Argon2id verification, against a dummy
 * hash made at startup with the same parameters, so the reply time says nothing about accounts.
 */
import { randomBytes } from 'node:crypto';
import { argon2id, argon2Verify, bcryptVerify } from 'hash-wasm';

/** The three hash-wasm calls used: in this thread (IN_PROCESS) or a worker's (hash-worker.ts). */
export interface HashBackend {
  argon2id(options: { password: string; salt: Uint8Array; iterations: number; memorySize: number; parallelism: number; hashLength: number; outputType: 'encoded' }): Promise<string>;
  argon2Verify(options: { password: string; hash: string }): Promise<boolean>;
  bcryptVerify(options: { password: string; hash: string }): Promise<boolean>;
}

export const IN_PROCESS: HashBackend = { argon2id, argon2Verify, bcryptVerify };

export interface HashingSettings {
  argon2_memory_cost: number;
  argon2_time_cost: number;
  argon2_parallelism: number;
  migrate_legacy_hashes: boolean;
}

export interface Verdict {
  ok: boolean;
  /** The stored hash is bcrypt or has other Argon2 parameters: store `hash(password)` instead. */
  rehash: boolean;
}

export interface Hasher {
  hash(password: string): Promise<string>;
  /** `stored` undefined or null (unknown name, premium-only account): a dummy verification, false. */
  verify(password: string, stored: string | null | undefined): Promise<Verdict>;
}

const BCRYPT = /^\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}$/;

export const isBcrypt = (hash: string): boolean => BCRYPT.test(hash);

export async function createHasher(settings: HashingSettings, backend: HashBackend = IN_PROCESS): Promise<Hasher> {
  const params = { iterations: settings.argon2_time_cost, memorySize: settings.argon2_memory_cost, parallelism: settings.argon2_parallelism, hashLength: 32 };
  const prefix = `$argon2id$v=19$m=${params.memorySize},t=${params.iterations},p=${params.parallelism}$`;
  const hash = (password: string): Promise<string> => backend.argon2id({ ...params, password, salt: randomBytes(16), outputType: 'encoded' });
  const dummy = await hash(randomBytes(24).toString('base64'));

  const check = async (password: string, stored: string): Promise<boolean> => {
    // hash-wasm takes bcrypt's 2a form; 2b and 2y are the same algorithm (fixed-bug markers).
    if (isBcrypt(stored)) return backend.bcryptVerify({ password, hash: `$2a$${stored.slice(4)}` });
    if (stored.startsWith('$argon2')) return backend.argon2Verify({ password, hash: stored });
    return false;
  };
  return {
    hash,
    async verify(password, stored) {
      if (stored === undefined || stored === null) {
        await backend.argon2Verify({ password, hash: dummy });
        return { ok: false, rehash: false };
      }
      let ok: boolean;
      try {
        ok = await check(password, stored);
      } catch {
        ok = false; // a malformed stored hash verifies nothing
      }
      const rehash = ok && (isBcrypt(stored) ? settings.migrate_legacy_hashes : !stored.startsWith(prefix));
      return { ok, rehash };
    },
  };
}
