/**
 * `[plugins.queue]` in infrarust.toml. The cap itself is each server's `max_players` (server
 * file key, or the Docker label `infrarust.max_players`); these keys shape the waiting.
 */
import { z } from 'zod';
import { positiveDuration } from 'infrarust/sdk';

const TEN_MINUTES = 600_000;

export const DEFAULT_ACTION_BAR = '§eQueue for §f{server}§e: position §f{position}§7/{waiting}';
export const DEFAULT_ENTER_MESSAGE = '§e{server} is full ({max} players). You are §f#{position}§e in the queue; you join as soon as a slot frees.';

export const QueueSchema = z.strictObject({
  /** Players queued per server; beyond it a joining player is refused with `full_message`. */
  max_waiting: z.number().int().min(1).max(100_000).default(500),
  /** A queued player who disconnects keeps their place this long (at most 10 minutes). */
  grace_period: positiveDuration()
    .prefault('60s')
    .refine((ms) => ms <= TEN_MINUTES, { message: 'must be at most 10m' }),
  /** How often the action bar is refreshed (it fades after ~3 s on the client). */
  update_interval: positiveDuration().prefault('1s'),
  /** Players whose checker grants it join a full server directly. */
  bypass_permission: z.string().min(1).default('queue.bypass'),
  /** `{server}`, `{position}`, `{waiting}`, `{max}` are replaced. */
  action_bar: z.string().default(DEFAULT_ACTION_BAR),
  enter_message: z.string().default(DEFAULT_ENTER_MESSAGE),
  full_message: z.string().default('§c{server} is full and its queue too; try again later.'),
});

export type QueueOptions = z.output<typeof QueueSchema>;

/** Fills `{name}` placeholders. @example fill('#{position}', { position: 2 }) // '#2' */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (Object.hasOwn(values, key) ? String(values[key]) : whole));
}
