/**
 * Plugin-facing sections of `infrarust.toml`: `[plugins.<id>]` and `[events]`.
 */
import { z } from 'zod';
import { duration, positiveDuration } from '../../sdk/duration.ts';
import { PluginWasmSchema } from './schema-wasm.ts';

/**
 * `[plugins.<id>]`. The host reads `enabled`, `permissions` (capability grants), `deny`,
 * `strict_capabilities`, `path` (accepted for v2 compatibility) and `wasm` (limit overrides).
 * Every other key is the plugin's own setting: it passes through untouched and the plugin's
 * schema validates it when the plugin loads. That is why this one table is not strict.
 */
export const PluginEntrySchema = z.looseObject({
  enabled: z.boolean().default(true),
  permissions: z.array(z.string().min(1)).default([]),
  deny: z.array(z.string().min(1)).default([]),
  strict_capabilities: z.boolean().default(false),
  path: z.string().min(1).optional(),
  wasm: PluginWasmSchema.optional(),
});

export type PluginEntry = z.output<typeof PluginEntrySchema>;

/** The whole `[plugins]` table, keyed by plugin id. */
export const PluginsSchema = z.record(z.string(), PluginEntrySchema);

/**
 * `[events]`: limits on plugin listeners. All must be greater than zero, except `stall_timeout`.
 * `handler_timeout` caps one async listener, `disconnect_deadline` the whole DisconnectEvent
 * dispatch, `transport_filter_timeout` one transport filter's onAccept (which fails closed).
 * `stall_timeout` is how long the event loop may stay blocked (a synchronous loop in a listener)
 * before the watchdog thread kills the process; "0s" runs no watchdog.
 */
export const EventsSchema = z.strictObject({
  handler_timeout: positiveDuration().prefault('10s'),
  slow_handler_threshold: positiveDuration().prefault('1s'),
  packet_handler_timeout: positiveDuration().prefault('10s'),
  disconnect_deadline: positiveDuration().prefault('15s'),
  transport_filter_timeout: positiveDuration().prefault('5s'),
  stall_timeout: duration()
    .refine((ms) => ms === 0 || ms >= 1_000, { message: 'must be "0s" (no watchdog) or at least "1s"' })
    .prefault('15s'),
});
