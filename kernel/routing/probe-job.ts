/**
 * What the balancer asks an active health probe to check, and where the answer goes. The types
 * live here, below `net/` (which schedules probes) and `status/` (which runs status pings), so
 * the balancer's state never imports sockets.
 */
import type { BackendAddress } from '../config/schema-address.ts';

export interface ProbeTarget {
  readonly address: Pick<BackendAddress, 'host' | 'port'>;
  readonly kind: 'tcp' | 'status_ping';
  readonly timeoutMs: number;
  /** The host written in the status handshake (a routed domain of the server). */
  readonly handshakeHost: string;
  /** The backend expects a PROXY header: the probe sends a v2 LOCAL one (a health check). */
  readonly proxyHeader: boolean;
}

/** One probe to run and where its result goes (`undefined`: healthy). */
export interface ProbeJob {
  readonly target: ProbeTarget;
  done(error: Error | undefined): void;
}
