/** The plugin layers the host wires plugins into; the kernel reads the same objects. */
import type { EventBus } from '../layers/event-bus.ts';
import type { TransportRegistry } from '../layers/transport-chain.ts';
import type { CodecRegistry } from '../layers/codec-chain.ts';
import type { Registries } from './registries.ts';

export interface PluginLayers {
  readonly events: EventBus;
  readonly transport: TransportRegistry;
  readonly codec: CodecRegistry;
  readonly registries: Registries;
}
