/**
 * One backend server file, `servers/<id>.toml` (v2's `ServerConfig`).
 *
 * Unknown keys are errors. `addresses` come out as `{ host, port, weight }`, `domains` lower-cased
 * without a trailing dot, durations in ms, `domain_rewrite` as a tagged object. Favicons are
 * resolved by the loader, which knows the file's folder. `[server_manager]` belongs to the
 * server-manager plugin (builtin-plugins/server-manager/options.ts).
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/duration.ts';
import { BackendAddressSchema, CAPTURE_REF, DomainSchema, IdentifierSchema } from './schema-address.ts';
import { ActiveHealthSchema, BalanceStrategySchema, HealthCheckSchema } from './schema-balance.ts';
import { ForwardingModeSchema } from './schema-forwarding.ts';
import { composeShape, NO_PLUGIN_SECTIONS, type SectionSet } from './sections.ts';
import { MotdConfigSchema } from './schema-motd.ts';
import { TimeoutsSchema } from './schema-timeouts.ts';

/** The raw-forwarding proxy modes: bytes are relayed after login start, so no switching. */
export const FORWARDING_PROXY_MODES: readonly string[] = ['passthrough', 'zero_copy', 'server_only'];

export const ProxyModeSchema = z.enum(['passthrough', 'zero_copy', 'client_only', 'offline', 'server_only', 'full']);
export type ProxyMode = z.output<typeof ProxyModeSchema>;

/** `"none" | "from_backend" | { explicit = "host" }`, normalised to a tagged object. */
export const DomainRewriteSchema = z.union(
  [
    z.enum(['none', 'from_backend']).transform((type) => (type === 'none' ? { type: 'none' as const } : { type: 'from_backend' as const })),
    z.strictObject({ explicit: z.string().min(1) }).transform(({ explicit }) => ({ type: 'explicit' as const, host: explicit })),
  ],
  { error: 'expected "none", "from_backend" or { explicit = "host" }' },
);

export type DomainRewrite = z.output<typeof DomainRewriteSchema>;

export const DEFAULT_DISCONNECT_MESSAGE = 'Server is currently unreachable. Please try again later.';

/** The kernel's keys of a server file; plugin-owned sections are composed in by `serverConfigSchema`. */
export const ServerConfigShape = z.strictObject({
  id: z.string().trim().min(1, { message: 'cannot be empty' }).max(64, { message: 'must be at most 64 characters' }).optional(),
  name: IdentifierSchema.optional(),
  network: IdentifierSchema.optional(),
  domains: z.array(DomainSchema).default([]),
  addresses: z.array(BackendAddressSchema).min(1, { message: 'at least one backend address is required' }),
  balance: BalanceStrategySchema.default('first_available'),
  slow_start: positiveDuration().optional(),
  slow_start_aggression: z.number().gt(0, { message: 'must be a number greater than 0' }).default(1),
  proxy_mode: ProxyModeSchema.default('passthrough'),
  forwarding_mode: ForwardingModeSchema.optional(),
  send_proxy_protocol: z.boolean().default(false),
  domain_rewrite: DomainRewriteSchema.prefault('none'),
  motd: MotdConfigSchema.prefault({}),
  timeouts: TimeoutsSchema.optional(),
  max_players: z.number().int().min(0).max(0xffff_ffff).default(0),
  disconnect_message: z.string().default(DEFAULT_DISCONNECT_MESSAGE),
  limbo_handlers: z.array(z.string().min(1)).default([]),
  bungeecord_channel: z.boolean().default(false),
  active_health: ActiveHealthSchema.optional(),
  health_check: HealthCheckSchema.optional(),
  /** Replaces the global `connect_max_attempts` for this server. */
  connect_max_attempts: z.number().int().min(1).max(1000).optional(),
  /** Servers tried in order when a backend kicks an intercepted player or dies (issue 13 fallback). */
  fallback: z.array(z.string().trim().min(1, { message: 'cannot be empty' })).default([]),
});

type Shape = z.output<typeof ServerConfigShape>;

/**
 * v2's cross-key rules: a raw-forwarding proxy mode (passthrough, zero_copy, server_only) needs
 * at least one domain (nothing else can reach it) and cannot join a `network` or use the
 * BungeeCord channel (the proxy never sees its packets). Runs even when other keys failed.
 */
function checkServerConfig(cfg: Shape, ctx: z.RefinementCtx<Shape>): void {
  checkCaptures(cfg, ctx);
  if (cfg.health_check !== undefined && cfg.active_health !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['health_check'], message: 'use either [health_check] or [active_health] in one server file, not both' });
  }
  const mode = typeof cfg.proxy_mode === 'string' ? cfg.proxy_mode : 'passthrough';
  if (!FORWARDING_PROXY_MODES.includes(mode)) return;
  if (Array.isArray(cfg.domains) && cfg.domains.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['domains'], message: `proxy_mode "${mode}" needs at least one domain: nothing else can route players to it` });
  }
  if (cfg.network !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['network'], message: `proxy_mode "${mode}" cannot join a network: server switching needs client_only or offline` });
  }
  if (cfg.bungeecord_channel === true) {
    ctx.addIssue({ code: 'custom', path: ['bungeecord_channel'], message: `needs proxy_mode client_only or offline: in "${mode}" the proxy does not read backend packets` });
  }
}

/**
 * `$n` in an address needs the n-th `*` of the domain the player used: every domain of the
 * server must have at least n `*` (a `?` captures nothing), else the address could not be built.
 */
function checkCaptures(cfg: Shape, ctx: z.RefinementCtx<Shape>): void {
  if (!Array.isArray(cfg.addresses) || !Array.isArray(cfg.domains)) return;
  cfg.addresses.forEach((a, i) => {
    if (typeof a?.host !== 'string' || !a.host.includes('$')) return;
    const needed = Math.max(...[...a.host.matchAll(CAPTURE_REF)].map((m) => Number(m[1])));
    const short = cfg.domains.find((d) => typeof d === 'string' && (d.match(/\*/g)?.length ?? 0) < needed);
    if (cfg.domains.length === 0 || short !== undefined) {
      const why = short === undefined ? 'the server has no domains' : `domain "${short}" has fewer than ${needed} "*"`;
      ctx.addIssue({ code: 'custom', path: ['addresses', i], message: `"$${needed}" needs the ${needed}. "*" capture of the domain a player used, but ${why}` });
    }
  });
}

/** The per-server schema with the given plugin sections composed in. */
export function serverConfigSchema(sections: SectionSet) {
  // Every server file is validated with it, on every reload: composed once per section set.
  let schema = composed.get(sections);
  if (schema === undefined) composed.set(sections, (schema = composeServerSchema(sections)));
  return schema;
}

function composeServerSchema(sections: SectionSet) {
  return composeShape(ServerConfigShape, sections).superRefine(checkServerConfig, { when: () => true });
}

const composed = new WeakMap<SectionSet, ReturnType<typeof composeServerSchema>>();

/** The per-server schema without plugin sections: what the docs walk. */
export const ServerConfigSchema = serverConfigSchema(NO_PLUGIN_SECTIONS.server);

/**
 * What a server file resolves to (`id` optional: only the loader knows the file name); the
 * plugin-owned sections under `sections`.
 */
export type ServerFileConfig = z.output<typeof ServerConfigShape> & { readonly sections: Readonly<Record<string, unknown>> };
/**
 * A server as the registry holds it: the schema's output plus the two facts the loader adds,
 * `id` (the `id` key, else the file name without `.toml`) and `file` (absolute path).
 */
export type ServerConfig = ServerFileConfig & { id: string; file: string };
/** What users may write in a server file. */
export type ServerConfigInput = z.input<typeof ServerConfigShape>;
