/**
 * Settings that load but deserve a word: keys v2 moved or ignores, combinations that have no
 * effect, favicons the client will not show. Warnings never stop a load (Gate's "warns, errs").
 */
import { faviconSize } from './favicon.ts';
import type { ProxyConfig } from './schema-global.ts';
import type { MotdConfig } from './schema-motd.ts';
import type { ServerFileConfig } from './schema-server.ts';
import { FORWARDING_PROXY_MODES } from './schema-server.ts';

/** A warning tied to a key; the loader adds file and line. */
export interface ConfigWarning {
  path: PropertyKey[];
  message: string;
}

function motdWarnings(motd: MotdConfig, base: string): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  for (const [state, entry] of Object.entries(motd)) {
    const size = entry?.favicon ? faviconSize(entry.favicon) : undefined;
    if (size && (size.width !== 64 || size.height !== 64)) {
      out.push({ path: [base, state, 'favicon'], message: `is ${size.width}x${size.height}; Minecraft only shows 64x64 favicons` });
    }
  }
  return out;
}

/** Warnings for a resolved global config. */
export function proxyWarnings(config: ProxyConfig): ConfigWarning[] {
  const out = motdWarnings(config.default_motd, 'default_motd');
  const fwd = config.forwarding;
  if (fwd.bungeecord_channel !== undefined || fwd.channel_permissions !== undefined) {
    const key = fwd.bungeecord_channel !== undefined ? 'bungeecord_channel' : 'channel_permissions';
    out.push({ path: ['forwarding', key], message: 'is ignored: the BungeeCord channel is configured in [plugin_messaging] (bungeecord, bungeecord_permissions)' });
  }
  if (fwd.mode === 'velocity') {
    // Said once here because server files are validated without the global file: a raw-mode
    // server that inherits this mode gets the anchor's fallback (session/forwarding/mode.ts).
    out.push({ path: ['forwarding', 'mode'], message: 'velocity forwarding reaches client_only and offline servers only; passthrough, zero_copy and server_only servers without their own forwarding_mode get BungeeCord legacy forwarding instead' });
  }
  if (config.worker_threads !== 0) {
    out.push({ path: ['worker_threads'], message: 'is ignored: it sized the Rust runtime; this proxy runs on one Node.js event loop' });
  }
  if (config.wasm.cpu_budget > config.wasm.max_call_duration) {
    out.push({ path: ['wasm', 'cpu_budget'], message: 'is longer than max_call_duration, so the wall-clock limit stops busy calls first' });
  }
  return out;
}

/** Warnings for a resolved server file. */
export function serverWarnings(config: ServerFileConfig): ConfigWarning[] {
  const out = motdWarnings(config.motd, 'motd');
  config.addresses.forEach((a, i) => {
    if (a.weight === 0) out.push({ path: ['addresses', i, 'weight'], message: 'is 0, which counts as 1; remove the address to drain it' });
  });
  if (config.balance === 'first_available' && config.slow_start !== undefined) {
    out.push({ path: ['slow_start'], message: 'has no effect with balance = "first_available"' });
  }
  if (config.proxy_mode === 'zero_copy' && process.platform !== 'linux') {
    out.push({ path: ['proxy_mode'], message: 'zero_copy needs Linux; bytes are copied instead' });
  }
  if (config.forwarding_mode === 'velocity' && FORWARDING_PROXY_MODES.includes(config.proxy_mode)) {
    out.push({ path: ['forwarding_mode'], message: `velocity forwarding needs client_only or offline; with "${config.proxy_mode}" BungeeCord forwarding is sent instead` });
  }
  if (config.limbo_handlers.length > 0 && FORWARDING_PROXY_MODES.includes(config.proxy_mode)) {
    out.push({ path: ['limbo_handlers'], message: `limbo handlers need client_only or offline; with "${config.proxy_mode}" the proxy does not own the session and they do not run` });
  }
  return out;
}
