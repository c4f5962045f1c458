/**
 * The global `infrarust.toml` (v2's `ProxyConfig`): every key v2 accepts, with v2's defaults.
 *
 * Unknown keys are errors, as in v2 (`deny_unknown_fields`). Durations come out as milliseconds,
 * addresses as `{ host, port }`. Paths stay as written here; the loader resolves them against
 * the config file's folder. Rules that span several keys live in `checkProxyConfig` below.
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/duration.ts';
import { bindAddress } from './schema-address.ts';
import { ActiveHealthSchema } from './schema-balance.ts';
import { ForwardingSchema, PluginMessagingSchema } from './schema-forwarding.ts';
import { CidrSchema } from '../../sdk/cidr.ts';
import { MotdConfigSchema, StatusCacheSchema } from './schema-motd.ts';
import { EventsSchema, PluginsSchema } from './schema-plugins.ts';
import { PermissionsSchema } from './schema-security.ts';
import { composeShape, NO_PLUGIN_SECTIONS, type SectionSet } from './sections.ts';
import { KeepaliveSchema } from './schema-timeouts.ts';
import { WasmSchema } from './schema-wasm.ts';

const U32 = z.number().int().min(0).max(0xffff_ffff);

/** The kernel's own keys; plugin-owned sections are composed in by `proxyConfigSchema`. */
export const ProxyConfigShape = z.strictObject({
  bind: bindAddress().prefault('0.0.0.0:25565'),
  max_connections: U32.default(0),
  /** Not-yet-routed connections one client address (IPv4, IPv6 /64) may hold at once; 0 = no cap. */
  max_pre_route_per_ip: U32.default(32),
  /** MiB shared by what not-yet-routed connections buffer beyond 2 KiB each; 0 = no budget. */
  pre_route_memory_mb: z.number().int().min(0).max(1_048_576).default(16),
  connect_timeout: positiveDuration().prefault('5s'),
  connect_max_attempts: U32.default(3),
  receive_proxy_protocol: z.boolean().default(false),
  /** Peers allowed to send a PROXY header; empty = every peer (a startup warning says so). */
  trusted_proxies: z.array(CidrSchema).default([]),
  servers_dir: z.string().min(1).default('./servers'),
  plugins_dir: z.string().min(1).default('./plugins'),
  worker_threads: U32.default(0),
  status_cache: StatusCacheSchema.prefault({}),
  default_motd: MotdConfigSchema.prefault({}),
  keepalive: KeepaliveSchema.prefault({}),
  /** Intercepted sessions: packets of this many bytes or more are compressed towards clients; -1 = off. */
  compression_threshold: z.number().int().min(-1).max(8_388_608).default(256),
  so_reuseport: z.boolean().default(false),
  unknown_domain_behavior: z.enum(['default_motd', 'drop']).default('default_motd'),
  announce_proxy_commands: z.boolean().default(true),
  forwarding: ForwardingSchema.prefault({}),
  plugin_messaging: PluginMessagingSchema.prefault({}),
  permissions: PermissionsSchema.prefault({}),
  active_health: ActiveHealthSchema.prefault({}),
  events: EventsSchema.prefault({}),
  wasm: WasmSchema.prefault({}),
  plugins: PluginsSchema.default({}),
});

type Shape = z.output<typeof ProxyConfigShape>;
type Ctx = z.RefinementCtx<Shape>;

const isNum = (v: unknown): v is number => typeof v === 'number';
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function checkWasm(wasm: unknown, ctx: Ctx): void {
  if (!isObj(wasm) || !isNum(wasm.epoch_tick)) return;
  for (const key of ['cpu_budget', 'codec_cpu_budget'] as const) {
    const v = wasm[key];
    if (isNum(v) && v < wasm.epoch_tick) ctx.addIssue({ code: 'custom', path: ['wasm', key], message: 'must be at least one epoch_tick' });
  }
  const r = wasm.recovery;
  if (isObj(r) && isNum(r.backoff_initial) && isNum(r.backoff_max) && r.backoff_initial > r.backoff_max) {
    ctx.addIssue({ code: 'custom', path: ['wasm', 'recovery', 'backoff_initial'], message: 'must not be longer than backoff_max' });
  }
}

/**
 * Cross-key rules. Runs even when other keys failed (`when: () => true`) so one run reports
 * every problem; each check therefore guards the types it reads.
 */
function checkProxyConfig(cfg: Shape, ctx: Ctx): void {
  checkWasm(cfg.wasm, ctx);
}

/**
 * The global config schema with the given plugin sections composed in. `lenient` lets unknown
 * top-level keys through: the kernel's first read, before the plugins (and so their sections)
 * are known; the full check follows once they are.
 */
export function proxyConfigSchema(sections: SectionSet, lenient = false) {
  const shape = lenient ? ProxyConfigShape.loose() : ProxyConfigShape;
  return composeShape(shape, sections).superRefine(checkProxyConfig, { when: () => true });
}

/** The global schema without plugin sections (v2's are accepted unvalidated): what the docs walk. */
export const ProxyConfigSchema = proxyConfigSchema(NO_PLUGIN_SECTIONS.global);

/**
 * What `infrarust.toml` resolves to: defaults applied, durations in ms, addresses parsed; the
 * plugin-owned sections, as their plugins' schemas resolved them, under `sections`.
 */
export type ProxyConfig = z.output<typeof ProxyConfigShape> & { readonly sections: Readonly<Record<string, unknown>> };
/** What users may write in `infrarust.toml` (kernel keys; plugin sections are the plugins' own). */
export type ProxyConfigInput = z.input<typeof ProxyConfigShape>;
