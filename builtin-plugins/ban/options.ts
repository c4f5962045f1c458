/**
 * The `[ban]` section of infrarust.toml, as the kernel resolved it (kernel/config/schema-security.ts):
 * `file` absolute, `purge_interval` in ms. Outside a proxy (tests, the conformance check) there is
 * no section, and the v2 defaults apply with `bans.json` in the plugin's data folder.
 */
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

const Section = z.object({
  provider: z.string().default('builtin'),
  file: z.string().min(1).default('bans.json'),
  purge_interval: z.number().positive().default(300_000),
  enable_audit_log: z.boolean().default(true),
});

export interface BanSettings {
  /** `builtin` enforces bans here; `none` or another plugin's id leaves them to that provider. */
  provider: string;
  file: string;
  purgeIntervalMs: number;
  auditLog: boolean;
  /** True when there was no `[ban]` section and the defaults were used. */
  defaulted: boolean;
}

/** `dataDir` is only called when the file path is relative (it creates the folder). */
export function resolveSettings(section: unknown, dataDir: () => string): BanSettings {
  const s = Section.parse(section ?? {});
  return {
    provider: s.provider,
    file: isAbsolute(s.file) ? s.file : resolve(dataDir(), s.file),
    purgeIntervalMs: s.purge_interval,
    auditLog: s.enable_audit_log,
    defaulted: section === undefined,
  };
}
