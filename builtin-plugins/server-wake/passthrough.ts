/**
 * Passthrough managed servers (`passthrough`, `zero_copy`, `server_only`): the proxy hands the
 * connection to the backend right after Login Start, so it cannot hold the player in a limbo.
 * Infrarust holds the login with no feedback until the server is up (the client sits on
 * "Logging in…" and often times out). Here a join to a server that is not online starts it
 * (when sleeping or crashed; a stopping one is started once it is sleeping) and is answered at
 * once with a login disconnect, `passthrough_kick`: "starting, rejoin in about N s", N from the
 * measured start times (start-times.ts) or `passthrough_estimate`, capped by start_timeout.
 */
import type { ServerManagerService } from 'infrarust/sdk';
import { render, type ServerWakeOptions } from './options.ts';
import type { StartTimes } from './start-times.ts';

/** The modes in which the proxy owns the session (and the limbo runs). */
const INTERCEPTED = new Set(['client_only', 'offline', 'full']);

export interface PassthroughDeps {
  manager: ServerManagerService;
  options: ServerWakeOptions;
  times: StartTimes;
  now: number;
  /** Servers to start as soon as they are sleeping (they were stopping). */
  pendingStart: Set<string>;
  log: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
}

/** Whether `proxyMode` forwards raw bytes after Login Start (no limbo possible). */
export function isForwardingMode(proxyMode: string): boolean {
  return !INTERCEPTED.has(proxyMode);
}

/**
 * The login disconnect for a join to `serverId`, or undefined to let the join through (online,
 * unknown, not managed). Starts the server when it sleeps or crashed.
 */
export function passthroughRefusal(serverId: string, player: string, deps: PassthroughDeps): string | undefined {
  const { manager, options } = deps;
  const info = manager.describe(serverId);
  if (info === undefined || info.state === 'online' || info.state === 'unknown') return undefined;
  // The estimate first: a start may report `starting` synchronously.
  const startingSince = info.state === 'starting' ? info.since : undefined;
  const seconds = deps.times.estimateSeconds(serverId, options.passthrough_estimate, info.startTimeoutMs, deps.now, startingSince);
  if (info.state === 'sleeping' || info.state === 'crashed') {
    deps.log.info({ server: serverId, player }, 'passthrough join woke the server: player asked to rejoin');
    manager.start(serverId).then(
      (r) => r.ok || deps.log.warn({ server: serverId, cause: r.reason }, 'could not start the server for a passthrough join'),
      (err: unknown) => deps.log.warn({ server: serverId, err }, 'could not start the server for a passthrough join'),
    );
  } else if (info.state === 'stopping') {
    deps.pendingStart.add(serverId);
  }
  return render(options.passthrough_kick, { server: serverId, seconds });
}
