/**
 * One connection's view of the TransportFilter layer: raw bytes in each direction go through the
 * registered data hooks. The registry is live, so each chunk asks whether any hook exists: with
 * none, a chunk costs one property read and passes untouched.
 */
import type { TransportContext } from '../../sdk/filters.ts';
import type { TransportRegistry } from '../plugin-system/layers/transport-chain.ts';
import { isReject } from '../plugin-system/layers/transport-chain.ts';

export class TransportTap {
  constructor(
    private readonly registry: TransportRegistry,
    readonly ctx: TransportContext,
  ) {}

  /** Client → backend bytes, or null when a filter rejected the connection. */
  clientData(chunk: Buffer): Buffer | null {
    if (!this.registry.hasClientDataHooks) return chunk;
    return toBuffer(this.registry.runClientData(this.ctx, chunk));
  }

  /** Backend → client bytes, or null when a filter rejected the connection. */
  serverData(chunk: Buffer): Buffer | null {
    if (!this.registry.hasServerDataHooks) return chunk;
    return toBuffer(this.registry.runServerData(this.ctx, chunk));
  }
}

function toBuffer(out: ReturnType<TransportRegistry['runClientData']>): Buffer | null {
  if (isReject(out)) return null;
  return Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}
