/**
 * What one manager type does; the managed-server state machine (managed-server.ts) drives it.
 * A backend reports states, never decides policy: start timeouts, crash inference from a start
 * that fell back to offline, idle stops and retry backoff live in the state machine.
 */
import type { ServerState } from '../../../sdk/index.ts';

/** A state a backend observed, with why when it is a failure. */
export interface Observation {
  readonly state: ServerState;
  readonly cause?: string;
}

export interface ManagerBackend {
  /**
   * The server's state now (remote: one API call, bounded by its timeout). Throws when the
   * manager cannot tell (API down, junk): the state machine then reports `unknown` and backs off.
   */
  probe(signal: AbortSignal): Promise<Observation>;
  /** Asks the server to start; throws with the cause when that fails. */
  start(signal: AbortSignal): Promise<void>;
  /** Asks the server to stop gracefully; throws with the cause when that fails. */
  stop(signal: AbortSignal): Promise<void>;
  /**
   * Pushes what happens (a local process's readiness and exit; Docker's events stream, which
   * asks for a probe) until `signal` aborts. Optional: the state machine polls anyway.
   */
  watch?(sink: WatchSink, signal: AbortSignal): void;
  /** Releases what the backend holds when it is removed or the plugin unloads (local: stops the process). */
  close?(): Promise<void>;
}

/** Where a watching backend sends what it sees. */
export interface WatchSink {
  report(o: Observation): void;
  /** Probe now instead of at the next poll (something changed). */
  probeNow(): void;
}
