/** Builds the four plugin layers from the config's `[events]` limits. */
import type { Logger } from '../log/logger.ts';
import type { ProxyConfig } from '../config/index.ts';
import type { PluginLayers } from './plugin-layers.ts';
import { EventBus } from './event-bus.ts';
import { TransportRegistry } from './transport-chain.ts';
import { CodecRegistry } from './codec-chain.ts';
import { Registries } from './registries.ts';

/** Takes only `[events]`, so the test kit builds the same layers from that section's defaults. */
export function createLayers(config: Pick<ProxyConfig, 'events'>, log: Logger): PluginLayers {
  const logger = log.child({ layer: 'plugins' });
  const onOrderError = (err: Error & { code?: string }): void => logger.error({ code: err.code }, err.message);
  return {
    events: new EventBus({ logger, timeoutMs: config.events.handler_timeout, slowWarnMs: config.events.slow_handler_threshold }),
    transport: new TransportRegistry({ logger, onOrderError, acceptTimeoutMs: config.events.transport_filter_timeout }),
    codec: new CodecRegistry({ logger, onOrderError }),
    registries: new Registries(),
  };
}
