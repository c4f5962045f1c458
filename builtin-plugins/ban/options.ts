/**
 * `[ban]` in infrarust.toml. This plugin owns the schema (plugin.json `sections`); the proxy
 * validates the file with it before anything starts. `file` is relative to infrarust.toml's
 * folder, as in v2. Outside a proxy (a test context without the section) the v2 defaults apply
 * with `bans.json` in the plugin's data folder.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { positiveDuration, ProviderNameSchema } from '../../sdk/index.ts';

export const BanSchema = z.strictObject({
  provider: ProviderNameSchema.default('builtin'),
  file: z.string().min(1).default('bans.json'),
  purge_interval: positiveDuration().prefault('300s'),
  enable_audit_log: z.boolean().default(true),
  /**
   * v2's bound on one ban check (a login whose check times out is refused). The builtin list
   * answers from memory, synchronously, so it never waits; the key is kept for v2 files and for
   * providers that ask a remote store.
   */
  check_timeout: positiveDuration().prefault('5s'),
});

export type BanSection = z.output<typeof BanSchema>;

export interface BanSettings {
  /** `builtin` enforces bans here; `none` or another plugin's id leaves them to that provider. */
  provider: string;
  file: string;
  purgeIntervalMs: number;
  auditLog: boolean;
  /** True when there was no `[ban]` section and the defaults were used. */
  defaulted: boolean;
}

/**
 * `section` is undefined only outside a proxy. `configDir` anchors a relative file; `dataDir`
 * is only called when there is no section (it creates the folder).
 */
export function resolveSettings(section: Partial<BanSection> | undefined, configDir: string, dataDir: () => string): BanSettings {
  const s = BanSchema.parse({});
  const given = { ...s, ...section };
  const base = section === undefined ? dataDir() : configDir;
  return {
    provider: given.provider,
    file: isAbsolute(given.file) ? given.file : resolve(base, given.file),
    purgeIntervalMs: given.purge_interval,
    auditLog: given.enable_audit_log,
    defaulted: section === undefined,
  };
}
