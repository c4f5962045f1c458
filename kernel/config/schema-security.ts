/**
 * Access-control sections of `infrarust.toml`: `[rate_limit]`, `[ban]`, `[permissions]`, `[auth]`.
 * The kernel only parses them; the plugins that enforce them read the validated values.
 */
import { z } from 'zod';
import { duration, positiveDuration } from './duration.ts';

const U32 = z.number().int().min(0).max(0xffff_ffff);

/**
 * `[rate_limit]`, per IP. Defaults are the newer v2 ones: disabled, 3 logins and 300 pings per
 * 10s. Windows may be "0s" while disabled (v2 only rejects zero windows when enabled; the
 * cross-field check in schema-global does the same).
 */
export const RateLimitSchema = z.strictObject({
  enabled: z.boolean().default(false),
  max_connections: U32.default(3),
  window: duration().prefault('10s'),
  status_max: U32.default(300),
  status_window: duration().prefault('10s'),
});

/** `"builtin"`, `"none"` or the id of a plugin that provides bans (newer v2). */
const providerName = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().min(1, { message: 'must be "builtin", "none" or a plugin id' }));

/**
 * `[ban]`. `file` is resolved against the config file's folder by the loader.
 * `check_timeout` bounds one ban check: a login whose check times out is refused.
 */
export const BanSchema = z.strictObject({
  provider: providerName.default('builtin'),
  file: z.string().min(1).default('bans.json'),
  purge_interval: positiveDuration().prefault('300s'),
  enable_audit_log: z.boolean().default(true),
  check_timeout: positiveDuration().prefault('5s'),
});

/** `[permissions]`: admins (UUIDs or names), `/ir` subcommands opened to players, provider. */
export const PermissionsSchema = z.strictObject({
  provider: providerName.default('builtin'),
  admins: z.array(z.string().min(1)).default([]),
  player_commands: z.array(z.string().min(1)).default([]),
  trust_offline_admins: z.boolean().default(false),
});

/** `[auth]` (newer v2): the hasJoined endpoint and the UUID policy for unverified players. */
export const AuthSchema = z.strictObject({
  session_url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://sessionserver.mojang.com/session/minecraft/hasJoined'),
  offline_uuid: z.enum(['offline', 'client']).default('offline'),
});
