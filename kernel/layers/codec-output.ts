/**
 * The FrameOutput a codec filter receives: one per filter per chain, reused for every packet, so
 * a packet nobody injects around allocates nothing. Injections are collected during `filter()`
 * only; the chain drains them right after the call. A late call (from a timer, say) is logged
 * and dropped rather than thrown, since a throw there would be an uncaught exception.
 */
import type { FrameOutput, FramedPacket } from '../../sdk/filters.ts';
import type { LayerLogger } from './layer-logger.ts';

export class CollectingOutput implements FrameOutput {
  before: FramedPacket[] | null = null;
  after: FramedPacket[] | null = null;
  /** True only while the owning filter's `filter()` runs. */
  open = false;

  constructor(
    private readonly filterId: string,
    private readonly owner: string,
    private readonly logger: LayerLogger,
  ) {}

  injectBefore(packet: FramedPacket): void {
    if (this.#accepts(packet, 'injectBefore')) (this.before ??= []).push(packet);
  }

  injectAfter(packet: FramedPacket): void {
    if (this.#accepts(packet, 'injectAfter')) (this.after ??= []).push(packet);
  }

  /** Forgets anything collected (after a failed call). */
  reset(): void {
    this.before = null;
    this.after = null;
  }

  #accepts(packet: FramedPacket, method: string): boolean {
    if (!this.open) {
      this.logger.warn({ plugin: this.owner, hook: `codec:${method}`, filter: this.filterId }, `${method} called outside filter(); packet dropped`);
      return false;
    }
    if (isFramedPacket(packet)) return true;
    throw new TypeError(`codec filter "${this.filterId}": ${method} needs { id: integer >= 0, data: Uint8Array }`);
  }
}

/** A packet the kernel can frame: a non-negative integer id and a byte body. */
export function isFramedPacket(value: unknown): value is FramedPacket {
  const packet = value as FramedPacket | null | undefined;
  return typeof packet === 'object' && packet !== null && Number.isInteger(packet.id) && packet.id >= 0 && packet.data instanceof Uint8Array;
}
