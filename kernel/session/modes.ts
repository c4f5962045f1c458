/**
 * The proxy modes where the proxy owns the player's session (logs them in itself, reads every
 * packet): what switching, limbo and the player API need. `full` behaves as `client_only`.
 */
const INTERCEPTED: ReadonlySet<string> = new Set(['client_only', 'offline', 'full']);

/** @example if (!isIntercepted(server.proxy_mode)) return refuse('needs client_only or offline') */
export function isIntercepted(mode: string): boolean {
  return INTERCEPTED.has(mode);
}
