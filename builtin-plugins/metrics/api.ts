/**
 * The `metrics` service: the Prometheus exposition of the proxy's metrics, which the admin API
 * serves at /metrics on the [web] bind.
 *
 * @example
 * import type {} from '../metrics/api.ts';
 * const text = await ctx.services.get('metrics')?.render();
 */
/** The service name the metrics plugin provides. */
export const METRICS_SERVICE = 'metrics';

export interface MetricsService {
  /** The registry in the Prometheus text format, with its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

declare module 'infrarust/sdk' {
  interface ServiceMap {
    metrics: MetricsService;
  }
}
