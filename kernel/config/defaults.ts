/**
 * The config used when `infrarust.toml` does not exist: every key at its default, listening on
 * 0.0.0.0:25565, with `./servers` (and the other relative paths) resolved against the working
 * directory, since there is no config file folder to anchor them to.
 */
import { join } from 'node:path';
import { parseProxyConfig } from './load.ts';
import type { ProxyConfig } from './schema-global.ts';

/** The built-in defaults, frozen, as if an empty `infrarust.toml` sat in the working directory. */
export function embeddedDefaultConfig(): ProxyConfig {
  return parseProxyConfig('', join(process.cwd(), 'infrarust.toml')).config;
}
