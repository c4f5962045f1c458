/**
 * Plugin-facing sections of `infrarust.toml`: `[plugins.<id>]` and `[events]`.
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/duration.ts';
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
 * `[events]`: limits on plugin listeners. All must be greater than zero. `handler_timeout`
 * caps one async listener, `disconnect_deadline` the whole DisconnectEvent dispatch,
 * `transport_filter_timeout` one transport filter's onAccept (which fails closed).
 */
export const EventsSchema = z.strictObject({
  handler_timeout: positiveDuration().prefault('10s'),
  slow_handler_threshold: positiveDuration().prefault('1s'),
  packet_handler_timeout: positiveDuration().prefault('10s'),
  disconnect_deadline: positiveDuration().prefault('15s'),
  transport_filter_timeout: positiveDuration().prefault('5s'),
});
