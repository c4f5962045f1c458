/**
 * `[telemetry]`: Prometheus metrics and OpenTelemetry export. This plugin owns the schema
 * (plugin.json `sections`); absent resolves to the defaults (export off, no metrics_bind).
 * `sampling_ratio` applies to status-ping traces; logins are always traced. `service_version`
 * left unset means "the proxy's own version".
 */
import { z } from 'zod';
import { hostPortSchema, positiveDuration } from 'infrarust/sdk';

const ratio = { message: 'must be between 0.0 and 1.0' };

export const TelemetrySchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Serves Prometheus /metrics on its own address too, e.g. for a proxy without [web]. */
  metrics_bind: hostPortSchema({}).optional(),
  endpoint: z.string().min(1).optional(),
  protocol: z.enum(['grpc', 'http']).default('grpc'),
  metrics: z.strictObject({ enabled: z.boolean().default(true), export_interval: positiveDuration().prefault('15s') }).prefault({}),
  traces: z
    .strictObject({ enabled: z.boolean().default(true), sampling_ratio: z.number().min(0, ratio).max(1, ratio).default(0.1) })
    .prefault({}),
  resource: z.strictObject({ service_name: z.string().min(1).default('infrarust'), service_version: z.string().min(1).optional() }).prefault({}),
});

export type TelemetrySection = z.output<typeof TelemetrySchema>;
