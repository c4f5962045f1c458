/**
 * The composition root: the one place that builds the kernel's parts and wires them together —
 * the config (kernel keys and plugin-owned sections), the plugin layers, the proxy, the API
 * plugins see, the plugin host and its loaders. The CLI and the tests both start the proxy
 * through here, and nothing is patched after construction.
 *
 * Order: read infrarust.toml leniently (kernel keys only: where plugins live, which are enabled,
 * listener limits) → find the plugins and load their code (no setup) → validate the whole file
 * with their section schemas (all problems at once, file:line:key) → build the proxy. Plugins
 * are activated by `host.loadAll()` once the caller has loaded the server files.
 */
import { dirname, join, resolve } from 'node:path';
import type { Logger } from './log/logger.ts';
import { parseProxyConfig, type HostPort, type ProxyConfig, type SectionCatalog, NO_PLUGIN_SECTIONS, sectionOf } from './config/index.ts';
import type { ProxyApi } from '../sdk/plugin.ts';
import { createLayers } from './layers/create-layers.ts';
import type { PluginLayers } from './layers/plugin-layers.ts';
import { Proxy } from './proxy.ts';
import { installLogTap } from './log/log-tap.ts';
import { createProxyApi } from './proxy-api.ts';
import { commandNames } from './layers/registries.ts';
import { infrarustCommand, INFRARUST_COMMAND_OWNER, serverCommand } from './session/hooks/index.ts';
import { createServerProviders } from './routing/provided-servers.ts';
import { PluginHost } from './plugin-system/host/plugin-host.ts';
import { nativePluginLoader } from './plugin-system/loader/native-plugin-loader.ts';
import { wasmPluginLoader } from './plugin-system/loader/wasm-plugin-loader.ts';
import type { PluginLoader } from './plugin-system/loader/plugin-loader.ts';

/** infrarust.toml's text and path (the embedded default is '' at `<cwd>/infrarust.toml`). */
export interface ConfigSource {
  text: string;
  file: string;
}

/** Values that replace the file's (command-line flags). Paths are absolute. */
export interface ConfigOverrides {
  bind?: HostPort;
  servers_dir?: string;
  plugins_dir?: string;
}

export interface KernelOptions {
  source: ConfigSource;
  overrides?: ConfigOverrides;
  log: Logger;
  /** The proxy's version as plugins and `plugin list` see it. */
  version?: string;
  /** The builtin plugins' folder (plugins_dir holds the user's). */
  builtinDir: string;
  /** Development mode: loaders keep what makes hot reload fast. */
  dev?: boolean;
  /** Type-check native plugins before (re)loading them (default: `dev`). */
  typeCheck?: boolean;
  /** What a plugin's `ctx.proxy.shutdown()` does (the daemon starts its graceful stop). */
  onShutdown?: () => void;
  /** Loaders to use instead of the default set (native TypeScript). */
  loaders?: readonly PluginLoader[];
  setupTimeoutMs?: number;
}

export interface Kernel {
  readonly config: ProxyConfig;
  /** Which plugin validates which section (server files are loaded with it). */
  readonly sections: SectionCatalog;
  /** Config warnings to log (`file:line: key: message`). */
  readonly warnings: readonly string[];
  readonly layers: PluginLayers;
  readonly proxy: Proxy;
  /** What plugins see of the proxy (`ctx.proxy`). */
  readonly api: ProxyApi;
  readonly host: PluginHost;
}

function applyOverrides(config: ProxyConfig, o: ConfigOverrides | undefined): ProxyConfig {
  if (o === undefined) return config;
  return { ...config, bind: o.bind ?? config.bind, servers_dir: o.servers_dir ?? config.servers_dir, plugins_dir: o.plugins_dir ?? config.plugins_dir };
}

export async function bootKernel(options: KernelOptions): Promise<Kernel> {
  const { source, log } = options;
  const early = applyOverrides(parseProxyConfig(source.text, source.file, NO_PLUGIN_SECTIONS, { lenient: true }).config, options.overrides);
  const layers = createLayers(early, log);
  const loaders = options.loaders ?? [
    nativePluginLoader({ dev: options.dev ?? false, log, typeCheck: options.typeCheck }),
    wasmPluginLoader({ cacheDir: join(early.plugins_dir, '.cache', 'wasm'), log, pluginConfig: (id) => early.plugins[id], globalWasm: () => early.wasm }),
  ];
  // The API and the host read `config` and `proxy` only when plugins run, after both are set below.
  let config: ProxyConfig = early;
  let proxy: Proxy | undefined;
  const api: ProxyApi = createProxyApi({
    config: () => config,
    server: (id) => proxy?.server(id),
    servers: () => proxy?.serverList() ?? [],
    connections: () => proxy?.liveConnections() ?? [],
    version: options.version ?? '0.0.0',
    startedAt: Date.now(),
    plugins: () => host.list(),
    shutdown: () => options.onShutdown?.(),
    players: () => proxy?.players,
    backendStatus: (id) => proxy?.backendStatus(id),
    serverOrigin: (id) => proxy?.serverOrigin(id),
    permissions: (player, verified) => proxy?.permissionsOf(player, verified),
    logs: installLogTap(log),
    stats: { events: layers.events, statusCache: () => proxy?.statusCacheStats() },
    reloadPlugin: async (id) => {
      const dir = host.list().find((p) => p.id === id)?.dir;
      return dir === undefined ? false : host.reloadDir(dir);
    },
  });
  const host: PluginHost = new PluginHost({
    builtinDir: options.builtinDir,
    pluginsDir: early.plugins_dir,
    log,
    layers,
    loaders,
    pluginConfig: (id) => early.plugins[id],
    proxy: api,
    sections: () => config.sections,
    serverSection: (serverId, name) => {
      const sections = proxy?.server(serverId)?.sections;
      return sections === undefined ? undefined : sectionOf(sections, name);
    },
    configDir: dirname(resolve(source.file)),
    setupTimeoutMs: options.setupTimeoutMs,
  });
  const sections = await host.prepare();
  let full;
  try {
    full = parseProxyConfig(source.text, source.file, sections);
  } catch (err) {
    await host.shutdown(); // frees the loaders (esbuild's service) so a refused start can exit
    throw err;
  }
  config = applyOverrides(full.config, options.overrides);
  proxy = new Proxy(config, log, layers);
  const ir = infrarustCommand(api);
  layers.registries.commands.add(INFRARUST_COMMAND_OWNER, commandNames(ir), ir);
  const server = serverCommand(api);
  layers.registries.commands.add(INFRARUST_COMMAND_OWNER, commandNames(server), server);
  layers.registries.services.add(INFRARUST_COMMAND_OWNER, ['server-providers'], createServerProviders({ sources: proxy.sources, catalog: () => sections }));
  return { config, sections, warnings: full.warnings, layers, proxy, api, host };
}
