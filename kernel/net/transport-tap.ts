/**
 * One connection's view of the TransportFilter layer: raw bytes in each direction go through the
 * registered data hooks. The registry is live, so each chunk asks whether any hook exists: with
 * none, a chunk costs one property read and passes untouched.
 */
import type { TransportContext } from '../../sdk/filters.ts';
import type { TransportRegistry } from '../layers/transport-chain.ts';
import { isReject } from '../layers/transport-chain.ts';

export class TransportTap {
  /**
   * Whether this connection's bytes go through the tap at all: decided at accept. A connection
   * accepted while no filter had a data hook relays without one (the common case costs nothing
   * per chunk); once it has the tap, later changes to the data hooks apply to it live.
   */
  readonly carriesData: boolean;

  constructor(
    private readonly registry: TransportRegistry,
    readonly ctx: TransportContext,
  ) {
    this.carriesData = registry.hasDataHooks;
  }

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

/** The tap a reader or relay should put its bytes through, if any. */
export function dataTap(tap: TransportTap | undefined): TransportTap | undefined {
  return tap?.carriesData === true ? tap : undefined;
}

function toBuffer(out: ReturnType<TransportRegistry['runClientData']>): Buffer | null {
  if (isReject(out)) return null;
  return Buffer.isBuffer(out) ? out : Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}
