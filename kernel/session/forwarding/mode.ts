/**
 * Which forwarding a server's backend gets: its own `forwarding_mode`, else `[forwarding].mode`.
 *
 * Velocity modern forwarding answers a login plugin request, so it needs a proxy that owns the
 * backend login (client_only, offline, full). The raw modes (passthrough, zero_copy, server_only)
 * only replay the client's handshake and Login Start, so there, like the Rust anchor, `velocity`
 * becomes BungeeCord legacy forwarding; the config loader warns about it (config/warnings.ts).
 */
import { FORWARDING_PROXY_MODES, type ForwardingMode, type LoadedServer, type ProxyConfig } from '../../config/index.ts';

/** True for the proxy modes that relay raw bytes after Login Start (no backend login of our own). */
export function isRawProxyMode(proxyMode: string): boolean {
  return FORWARDING_PROXY_MODES.includes(proxyMode);
}

/**
 * The forwarding the proxy applies for `server`: the server's mode or the global one, with
 * `velocity` turned into `bungee_cord` for the raw proxy modes.
 *
 * effectiveForwarding({ proxy_mode: 'offline', forwarding_mode: undefined }, { forwarding: { mode: 'velocity' } }) === 'velocity'
 * effectiveForwarding({ proxy_mode: 'passthrough', forwarding_mode: 'velocity' }, config) === 'bungee_cord'
 */
export function effectiveForwarding(
  server: Pick<LoadedServer, 'proxy_mode' | 'forwarding_mode'>,
  global: { readonly forwarding: Pick<ProxyConfig['forwarding'], 'mode'> },
): ForwardingMode {
  const mode = server.forwarding_mode ?? global.forwarding.mode;
  return mode === 'velocity' && isRawProxyMode(server.proxy_mode) ? 'bungee_cord' : mode;
}

/** True when the server's forwarding needs the secret file (Velocity's key, BungeeGuard's token). */
export function needsForwardingSecret(mode: ForwardingMode): boolean {
  return mode === 'velocity' || mode === 'bungee_guard';
}
