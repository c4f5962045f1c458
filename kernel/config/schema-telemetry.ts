/**
 * `[telemetry]` (OpenTelemetry export): an optional integration whose settings the kernel only
 * validates. (`[docker]` belongs to the docker-provider plugin.)
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/duration.ts';
import { hostPort } from './schema-address.ts';

/**
 * `[telemetry]`. `sampling_ratio` applies to status-ping traces; logins are always traced.
 * `service_version` left unset means "the proxy's own version".
 */
export const TelemetrySchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Serves Prometheus /metrics on its own address (the metrics plugin), e.g. for a proxy without [web]. */
  metrics_bind: hostPort({}).optional(),
  endpoint: z.string().min(1).optional(),
  protocol: z.enum(['grpc', 'http']).default('grpc'),
  metrics: z
    .strictObject({ enabled: z.boolean().default(true), export_interval: positiveDuration().prefault('15s') })
    .prefault({}),
  traces: z
    .strictObject({
      enabled: z.boolean().default(true),
      sampling_ratio: z.number().min(0, { message: 'must be between 0.0 and 1.0' }).max(1, { message: 'must be between 0.0 and 1.0' }).default(0.1),
    })
    .prefault({}),
  resource: z
    .strictObject({ service_name: z.string().min(1).default('infrarust'), service_version: z.string().min(1).optional() })
    .prefault({}),
});
