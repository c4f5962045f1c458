/**
 * v2's `provider` keys (`[ban] provider`, `[permissions] provider`): `"builtin"`, `"none"`, or
 * the id of the plugin that provides the feature instead. Shared so each section's schema says
 * it the same way.
 *
 * @example
 * import { z } from 'zod';
 * import { ProviderNameSchema } from 'infrarust/sdk';
 * const Section = z.strictObject({ provider: ProviderNameSchema.default('builtin') });
 */
import { z } from 'zod';

export const ProviderNameSchema = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().min(1, { message: 'must be "builtin", "none" or a plugin id' }));

/**
 * One problem with a server a provider offered: the key path in server-file terms
 * (`addresses[0]`, `proxy_mode`) and what is wrong, so the provider can name its own source
 * (a container label) in its log line.
 * @example { path: 'proxy_mode', message: 'expected one of "passthrough", …, got "fast"' }
 */
export interface ProvidedServerProblem {
  readonly path: string;
  readonly message: string;
}

/**
 * What `ServerProviderHandle.set` answers: the server is routed (`ok: true`, with warnings
 * such as "a server file with this id wins"), or it was refused and nothing changed for it.
 * @example const r = handle.set('mc1', { domains: ['mc1.local'], addresses: ['10.0.0.5:25565'] }, 'container mc1');
 */
export type ProvideResult =
  | { readonly ok: true; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly problems: readonly ProvidedServerProblem[] };

/**
 * A provider's share of the routing table. Servers are given with the keys of a server file
 * (`domains`, `addresses`, `proxy_mode`, …, plugin sections included) and validated by the same
 * schema as `servers/*.toml`. A server file with the same id wins over a provided server (with a
 * warning); between providers, the one that registered first wins.
 * @example
 * const handle = ctx.services.get('server-providers')!.register('docker@local', { signal: ctx.signal });
 * handle.set('mc1', { domains: ['mc1.local'], addresses: ['10.0.0.5:25565'] }, 'container mc1');
 * handle.remove('mc1');
 */
export interface ServerProviderHandle {
  /** The provider id given to `register` (`ServerSummary.source` of its servers). */
  readonly id: string;
  /** Adds or replaces server `id`; `origin` says where it came from (logs, `servers`). */
  set(id: string, config: Readonly<Record<string, unknown>>, origin: string): ProvideResult;
  /** Removes server `id`; false when this provider did not offer it. */
  remove(id: string): boolean;
  /** The ids this provider offers now (including those a server file overrides). */
  ids(): string[];
  /** Removes every server of this provider and ends the registration (also done by `signal`). */
  close(): void;
}

/**
 * The kernel's `server-providers` service: plugins that discover servers (the Docker provider)
 * register as a provider and feed the routing table alongside `servers/`.
 * @example const providers = ctx.services.get('server-providers'); if (!providers) return;
 */
export interface ServerProviders {
  /**
   * Registers provider `id` (e.g. `docker@local`). Its servers are removed when `signal` aborts
   * (pass `ctx.signal`) or `close()` is called. Registering the same id again (the new version of
   * a hot-reloaded plugin) takes over its servers as they are; the older handle stops acting.
   * Reconcile with `ids()` after your first full scan.
   */
  register(id: string, options: { readonly signal: AbortSignal }): ServerProviderHandle;
}

declare module './plugin.ts' {
  interface ServiceMap {
    'server-providers': ServerProviders;
  }
}
