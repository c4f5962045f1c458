/** The plugin layers the host wires plugins into; the kernel reads the same objects. */
import type { EventBus } from './event-bus.ts';
import type { TransportRegistry } from './transport-chain.ts';
import type { CodecRegistry } from './codec-chain.ts';
import type { Registries } from './registries.ts';

export interface PluginLayers {
  readonly events: EventBus;
  readonly transport: TransportRegistry;
  readonly codec: CodecRegistry;
  readonly registries: Registries;
}
