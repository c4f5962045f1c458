/**
 * `[wasm]`: sandbox limits for WASM plugins (newer v2), plus the per-plugin override table
 * `[plugins.<id>.wasm]`. Ranges are the ones v2 refuses to start outside of.
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/duration.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const upTo = (max: number, label: string) =>
  positiveDuration().refine((ms) => ms <= max, { message: `must be at most ${label}` });
const count = (min: number, max: number) => z.number().int().min(min).max(max);

const limitShape = {
  memory_limit_mb: count(1, 4096),
  cpu_budget: upTo(HOUR, '1h'),
  codec_cpu_budget: upTo(HOUR, '1h'),
  host_call_timeout: upTo(HOUR, '1h'),
  max_call_duration: upTo(HOUR, '1h'),
  queue_capacity: count(1, 1_048_576),
  /** Host imports one guest call may make before it fails as a fault (a host-call flood). */
  host_calls_per_call: count(1, 1_048_576),
};

const recoveryShape = {
  max_restarts: count(0, 1000),
  window: upTo(DAY, '24h'),
  backoff_initial: upTo(DAY, '24h'),
  backoff_max: upTo(DAY, '24h'),
};

const quota = count(1, 1_048_576);
const quotaShape = {
  event_listeners: quota, commands: quota, scheduled_tasks: quota, plugin_channels: quota,
  codec_filters: quota, limbo_handlers: quota, permission_nodes: quota,
};

/** `[wasm.recovery]`: restarts allowed per window before a faulty plugin is quarantined. */
export const WasmRecoverySchema = z.strictObject({
  max_restarts: recoveryShape.max_restarts.default(5),
  window: recoveryShape.window.prefault('5m'),
  backoff_initial: recoveryShape.backoff_initial.prefault('1s'),
  backoff_max: recoveryShape.backoff_max.prefault('5m'),
});

/** `[wasm.quotas]`: registrations one plugin may hold at once. */
export const WasmQuotasSchema = z.strictObject({
  event_listeners: quota.default(1024),
  commands: quota.default(256),
  scheduled_tasks: quota.default(1024),
  plugin_channels: quota.default(128),
  codec_filters: quota.default(32),
  limbo_handlers: quota.default(64),
  permission_nodes: quota.default(256),
});

/** `[wasm]`: proxy-wide limits. `epoch_tick` and `instance_pool` cannot be overridden per plugin. */
export const WasmSchema = z.strictObject({
  epoch_tick: positiveDuration()
    .refine((ms) => ms >= 1 && ms <= 1000, { message: 'must be between 1ms and 1s' })
    .prefault('50ms'),
  memory_limit_mb: limitShape.memory_limit_mb.default(64),
  cpu_budget: limitShape.cpu_budget.prefault('3s'),
  codec_cpu_budget: limitShape.codec_cpu_budget.prefault('800ms'),
  host_call_timeout: limitShape.host_call_timeout.prefault('30s'),
  max_call_duration: limitShape.max_call_duration.prefault('60s'),
  queue_capacity: limitShape.queue_capacity.default(1024),
  host_calls_per_call: limitShape.host_calls_per_call.default(1000),
  instance_pool: count(0, 32_768).default(0),
  recovery: WasmRecoverySchema.prefault({}),
  quotas: WasmQuotasSchema.prefault({}),
});

/** `[[plugins.<id>.wasm.mounts]]`: extra host folders for `filesystem-extended`. */
const WasmMountSchema = z.strictObject({
  host: z.string().min(1),
  guest: z.string().regex(/^\/./, { message: 'must be an absolute guest path below "/"' }),
  read_only: z.boolean().default(true),
});

/** `[plugins.<id>.wasm.network]`: destinations for the `network` capability (checked by the host). */
const WasmNetworkSchema = z.strictObject({
  allow: z.array(z.string().min(1)).default([]),
  dns: z.boolean().optional(),
  http: z.boolean().default(true),
});

/** `[plugins.<id>.wasm]`: every key optional; unset keys keep the `[wasm]` value. */
export const PluginWasmSchema = z.strictObject({
  memory_limit_mb: limitShape.memory_limit_mb.optional(),
  cpu_budget: limitShape.cpu_budget.optional(),
  codec_cpu_budget: limitShape.codec_cpu_budget.optional(),
  host_call_timeout: limitShape.host_call_timeout.optional(),
  max_call_duration: limitShape.max_call_duration.optional(),
  queue_capacity: limitShape.queue_capacity.optional(),
  host_calls_per_call: limitShape.host_calls_per_call.optional(),
  recovery: z.strictObject(recoveryShape).partial().optional(),
  quotas: z.strictObject(quotaShape).partial().optional(),
  network: WasmNetworkSchema.optional(),
  mounts: z.array(WasmMountSchema).default([]),
});

export type WasmConfig = z.output<typeof WasmSchema>;
