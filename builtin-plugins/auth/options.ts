/**
 * `[plugins.auth]` in infrarust.toml (the `[auth]` table belongs to mojang-auth). The tables and
 * keys follow Infrarust v2's `plugins/auth/config.toml`, with durations written as durations
 * (`login_timeout = "60s"` for v2's `login_timeout_seconds = 60`). Every key has a default.
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/index.ts';
import { DEFAULT_MESSAGES, type MessageKey } from './messages.ts';

/** Mojang's profile lookup by name: 200 with a profile when the name is a paid account. */
export const MOJANG_PROFILE_LOOKUP = 'https://api.mojang.com/users/profiles/minecraft/';

const count = (min: number, fallback: number) => z.number().int().min(min).default(fallback);

const Storage = z.strictObject({
  /** Relative to the plugin's data folder (`plugins_dir/auth/data/`), or absolute. */
  path: z.string().min(1).default('accounts.json'),
});

const Hashing = z.strictObject({
  argon2_memory_cost: count(8, 19_456),
  argon2_time_cost: count(1, 2),
  argon2_parallelism: count(1, 1),
  migrate_legacy_hashes: z.boolean().default(true),
});

const PasswordPolicy = z
  .strictObject({
    min_length: count(1, 8),
    max_length: count(1, 128),
    check_username: z.boolean().default(true),
    blocked_passwords: z.array(z.string()).default(['123456', '12345678', '123456789', 'password', 'qwerty123', 'qwertyuiop', '11111111', 'minecraft', 'iloveyou']),
    /** One password a line, relative to the data folder; a missing file is no list. */
    blocked_passwords_file: z.string().min(1).default('blocked_passwords.txt'),
  })
  .refine((p) => p.min_length <= p.max_length, { message: 'min_length must not exceed max_length' });

const Security = z.strictObject({
  max_login_attempts: count(1, 5),
  lockout_duration: positiveDuration().prefault('5m'),
  login_timeout: positiveDuration().prefault('60s'),
  title_reminder_interval: positiveDuration().prefault('5s'),
  chat_reminder_interval: positiveDuration().prefault('10s'),
});

const Privacy = z.strictObject({
  log_ip_masking: z.enum(['last_two_octets', 'last_octet', 'none']).default('last_two_octets'),
});

const Premium = z.strictObject({
  enabled: z.boolean().default(false),
  lookup_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(MOJANG_PROFILE_LOOKUP),
  lookup_timeout: positiveDuration().prefault('3s'),
  cache_ttl: positiveDuration().prefault('600s'),
  failed_auth_remember: positiveDuration().prefault('600s'),
});

const messageShape = Object.fromEntries(Object.entries(DEFAULT_MESSAGES).map(([key, text]) => [key, z.string().default(text)])) as Record<MessageKey, z.ZodDefault<z.ZodString>>;
const Messages = z.strictObject(messageShape);

export const AuthPluginSchema = z.strictObject({
  storage: Storage.prefault({}),
  hashing: Hashing.prefault({}),
  password_policy: PasswordPolicy.prefault({}),
  security: Security.prefault({}),
  privacy: Privacy.prefault({}),
  premium: Premium.prefault({}),
  messages: Messages.prefault({}),
});

export type AuthPluginInput = z.input<typeof AuthPluginSchema>;
export type AuthPluginSettings = z.output<typeof AuthPluginSchema>;
