/**
 * `[plugins.antibot]` in infrarust.toml. Every key has a default; durations are written as
 * durations (`attack_cooldown = "60s"`).
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/index.ts';
import { DEFAULT_MESSAGES, type MessageKey } from './messages.ts';

const count = (min: number, max: number, fallback: number) => z.number().int().min(min).max(max).default(fallback);

const messageShape = Object.fromEntries(Object.entries(DEFAULT_MESSAGES).map(([key, text]) => [key, z.string().default(text)])) as Record<MessageKey, z.ZodDefault<z.ZodString>>;
const Messages = z.strictObject(messageShape);

const Storage = z.strictObject({
  /** Keep the verified players in a file, so a restart or reload does not forget them. */
  enabled: z.boolean().default(true),
  /** Relative to the plugin's data folder (`plugins_dir/antibot/data/`), or absolute. */
  path: z.string().min(1).default('verified.json'),
});

export const AntibotSchema = z.strictObject({
  /** Logins per second over all addresses above which the proxy is under attack. */
  joins_per_second: count(1, 1_000_000, 20),
  /** The sliding window the rate is measured over (the rate is joins in the window / its length). */
  window: positiveDuration().prefault('1s'),
  /** How long attack mode stays on after the rate last exceeded the threshold. */
  attack_cooldown: positiveDuration().prefault('60s'),
  /** How long a held player has to type the code. */
  check_timeout: positiveDuration().prefault('30s'),
  /** Wrong codes before the player is kicked. */
  max_attempts: count(1, 100, 3),
  /** Characters in a code (from an alphabet without 0/O, 1/I/L). */
  code_length: count(4, 8, 5),
  /** How often the title and the chat prompt are repeated while held. */
  reminder_interval: positiveDuration().prefault('10s'),
  /** How long a verified player joins without a check. */
  remember_for: positiveDuration().prefault('24h'),
  /** What identifies a verified player: the name from the same address, the name, or the address. */
  remember_by: z.enum(['name_and_ip', 'name', 'ip']).default('name_and_ip'),
  /** Most verified players remembered; past it the oldest is forgotten. */
  remember_max: count(1, 10_000_000, 100_000),
  /** Most players held in the check at once; past it new unverified players are refused with `busy`. */
  max_held: count(1, 1_000_000, 1_000),
  /** A player a session server verified (online mode) is not checked. */
  skip_online_verified: z.boolean().default(true),
  storage: Storage.prefault({}),
  messages: Messages.prefault({}),
});

export type AntibotInput = z.input<typeof AntibotSchema>;
export type AntibotSettings = z.output<typeof AntibotSchema>;
