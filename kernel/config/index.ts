/**
 * The configuration layer: reads Infrarust v2's `infrarust.toml` and `servers/*.toml` unchanged,
 * validates them with zod (the schemas are the single source of the types), and watches the
 * servers folder for hot reload.
 */
export { parseDuration, formatDuration, duration, positiveDuration, DURATION_HINT } from '../../sdk/duration.ts';
export { parseHostPort, formatHostPort, type HostPort } from '../../sdk/host-port.ts';
export { parseCidr, type Cidr } from '../../sdk/cidr.ts';
export { NO_PLUGIN_SECTIONS, V2_PLUGIN_SECTIONS, sectionOf, type SectionCatalog, type SectionOwner, type SectionSet } from './sections.ts';
export { DEFAULT_MC_PORT, type BackendAddress } from './schema-address.ts';
export { MOTD_STATES, type MotdState, type MotdEntry, type MotdConfig } from './schema-motd.ts';
export type { ForwardingMode } from './schema-forwarding.ts';
export type { TimeoutsConfig, KeepaliveConfig } from './schema-timeouts.ts';
export type { ActiveHealthConfig, BalanceStrategy } from './schema-balance.ts';
export type { WasmConfig } from './schema-wasm.ts';
export type { PluginEntry } from './schema-plugins.ts';
export { ProxyConfigSchema, ProxyConfigShape, proxyConfigSchema, type ProxyConfig, type ProxyConfigInput } from './schema-global.ts';
export {
  ServerConfigSchema,
  ServerConfigShape,
  serverConfigSchema,
  FORWARDING_PROXY_MODES,
  DEFAULT_DISCONNECT_MESSAGE,
  type ServerConfig,
  type ServerFileConfig,
  type ServerConfigInput,
  type ProxyMode,
  type DomainRewrite,
} from './schema-server.ts';
export { ConfigError, formatIssue, formatKeyPath, type ConfigIssue } from './config-error.ts';
export {
  loadProxyConfig,
  parseProxyConfig,
  loadServerFile,
  loadServerFileDetailed,
  parseServerConfig,
  parseServerConfigDetailed,
  readConfigFile,
  type LoadedProxyConfig,
  type LoadedServer,
} from './load.ts';
export { embeddedDefaultConfig } from './defaults.ts';
export { connectTimeout } from './server-timeouts.ts';
export {
  loadServersDir,
  watchServersDir,
  isServerFileName,
  type ServersDirResult,
  type ServersDirWatcher,
  type WatchServersOptions,
  type WatchLog,
} from './servers-dir.ts';
