/**
 * Managed servers: a server file's `[server_manager]` says how the proxy starts and stops its
 * backend (a local process, a Pterodactyl or Crafty panel, a Docker container). The builtin
 * `server-manager` plugin provides the `server-manager` service below; the kernel reads a
 * server's state from it to answer pings with `[motd.sleeping]`, `[motd.starting]`… (a ping
 * never starts a server), and plugins such as `server-wake` start servers through it.
 *
 * @example
 * const managers = ctx.services.get('server-manager');
 * if (managers?.state('survival') === 'sleeping') await managers.start('survival');
 */

/**
 * The state of a managed server. `unknown`: the manager could not tell (its API failed or
 * answered junk); `crashed`: the server died, or failed to start, without being asked to stop.
 */
export type ServerState = 'online' | 'sleeping' | 'starting' | 'stopping' | 'crashed' | 'unknown';

/** Every ServerState, in a stable order. @example SERVER_STATES.includes(s) */
export const SERVER_STATES: readonly ServerState[] = ['online', 'sleeping', 'starting', 'stopping', 'crashed', 'unknown'];

/** What a start or stop request came to. `reason` says why it was refused or failed. @example if (!r.ok) source.reply(r.reason) */
export type ManagerActionResult = { readonly ok: true; readonly state: ServerState } | { readonly ok: false; readonly reason: string };

/** One state change of a managed server, as `onStateChange` listeners and `ServerStateChange` events see it. */
export interface ServerStateChangeInfo {
  readonly serverId: string;
  readonly previous: ServerState;
  readonly next: ServerState;
  /** Why, when the manager knows (e.g. `exit code 1`, `HTTP 500 from the panel`). */
  readonly cause?: string;
}

/** What the service tells about one managed server. @example managers.describe('lobby')?.startTimeoutMs */
export interface ManagedServerInfo {
  readonly serverId: string;
  /** `[server_manager] type`: "local", "pterodactyl", "crafty" or "docker". */
  readonly type: string;
  readonly state: ServerState;
  /** Milliseconds since the epoch of the last state change. */
  readonly since: number;
  /** The last failure's cause (a crash, an API error), until the server is online again. */
  readonly lastError?: string;
  /** `start_timeout`: how long a start may take before it counts as failed. */
  readonly startTimeoutMs: number;
  /** `shutdown_after`: the idle time after which the server is stopped, absent for never. */
  readonly shutdownAfterMs?: number;
  /** Players the proxy counts on the server now (passthrough included). */
  readonly players: number;
}

/**
 * The `server-manager` service. `start` resolves once the start was asked for (state `starting`,
 * or `online` when it already was), not when the server is ready: listen to `ServerStateChange`
 * events (or `onStateChange`) for `online`. Unmanaged server ids answer `undefined` / not ok.
 */
export interface ServerManagerService {
  /** The ids of the managed servers. @example managers.servers().length */
  servers(): string[];
  /** The state now; undefined when the server is not managed. Synchronous and cheap. @example managers.state('lobby') */
  state(serverId: string): ServerState | undefined;
  /** @example managers.describe('lobby')?.lastError */
  describe(serverId: string): ManagedServerInfo | undefined;
  /** Starts a sleeping or crashed server (a paused container is unpaused). @example await managers.start('lobby') */
  start(serverId: string): Promise<ManagerActionResult>;
  /** Stops a server gracefully (`stop` on a local server's stdin, kill after `shutdown_timeout`). @example await managers.stop('lobby') */
  stop(serverId: string): Promise<ManagerActionResult>;
  /**
   * Calls `listener` on every state change until the returned function is called or `signal`
   * aborts (pass `ctx.signal`, so a reload of your plugin removes it). `ServerStateChange` events
   * carry the same changes through the event bus.
   * @example managers.onStateChange((c) => ctx.log.info(c, 'state'), { signal: ctx.signal })
   */
  onStateChange(listener: (change: ServerStateChangeInfo) => void, options?: { signal?: AbortSignal }): () => void;
}

declare module './plugin.ts' {
  interface ServiceMap {
    'server-manager': ServerManagerService;
  }
}
