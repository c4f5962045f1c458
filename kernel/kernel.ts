/**
 * The composition root: the one place that builds the kernel's parts and wires them together —
 * the plugin layers, the proxy, the API plugins see, the plugin host and its loaders. The CLI and
 * the tests both start the proxy through here, and nothing is patched after construction.
 */
import type { Logger } from './log/logger.ts';
import type { ProxyConfig } from './config/index.ts';
import type { ProxyApi } from '../sdk/plugin.ts';
import { createLayers } from './layers/create-layers.ts';
import type { PluginLayers } from './layers/plugin-layers.ts';
import { Proxy } from './proxy.ts';
import { createProxyApi } from './proxy-api.ts';
import { PluginHost } from './plugin-system/host/plugin-host.ts';
import { nativePluginLoader } from './plugin-system/loader/native-plugin-loader.ts';
import type { PluginLoader } from './plugin-system/loader/plugin-loader.ts';

export interface KernelOptions {
  config: ProxyConfig;
  log: Logger;
  /** The proxy's version as plugins and `plugin list` see it. */
  version?: string;
  /** Where plugins come from; `pluginsDir` defaults to the config's plugins_dir. */
  builtinDir: string;
  pluginsDir?: string;
  /** Development mode: loaders keep what makes hot reload fast. */
  dev?: boolean;
  /** What a plugin's `ctx.proxy.shutdown()` does (the daemon starts its graceful stop). */
  onShutdown?: () => void;
  /** Loaders to use instead of the default set (native TypeScript). */
  loaders?: readonly PluginLoader[];
  setupTimeoutMs?: number;
}

export interface Kernel {
  readonly config: ProxyConfig;
  readonly layers: PluginLayers;
  readonly proxy: Proxy;
  /** What plugins see of the proxy (`ctx.proxy`). */
  readonly api: ProxyApi;
  readonly host: PluginHost;
}

export function createKernel(options: KernelOptions): Kernel {
  const { config, log } = options;
  const layers = createLayers(config, log);
  const proxy = new Proxy(config, log, layers);
  const loaders = options.loaders ?? [nativePluginLoader({ dev: options.dev ?? false, log })];
  const startedAt = Date.now();
  // `host` is read by the API only when a plugin calls plugins(), which happens after both exist.
  const api: ProxyApi = createProxyApi({
    config: () => config,
    server: (id) => proxy.server(id),
    servers: () => proxy.serverList(),
    connections: () => proxy.liveConnections(),
    version: options.version ?? '0.0.0',
    startedAt,
    plugins: () => host.list(),
    shutdown: () => options.onShutdown?.(),
  });
  const host: PluginHost = new PluginHost({
    builtinDir: options.builtinDir,
    pluginsDir: options.pluginsDir ?? config.plugins_dir,
    log,
    layers,
    loaders,
    pluginConfig: (id) => config.plugins[id],
    proxy: api,
    setupTimeoutMs: options.setupTimeoutMs,
  });
  return { config, layers, proxy, api, host };
}
