/**
 * Servers that provider plugins offer (sdk/provider.ts): the kernel's `server-providers`
 * service. A provided server is validated by the very schema of servers/*.toml (plugin sections
 * included) and frozen the same way; problems come back with their key paths so the provider
 * can name its own source (a container and its label) in the log line.
 */
import type { ProvidedServerProblem, ProvideResult, ServerProviderHandle, ServerProviders } from '../../sdk/provider.ts';
import type { ServerSources } from './server-sources.ts';
import { deepFreeze, type LoadedServer } from '../config/load.ts';
import { serverConfigSchema } from '../config/schema-server.ts';
import { takeSections, type SectionCatalog } from '../config/sections.ts';
import { TomlLocator } from '../config/toml-locator.ts';
import { serverWarnings } from '../config/warnings.ts';
import { toConfigIssues } from '../config/zod-issues.ts';
import { formatKeyPath } from '../config/config-error.ts';

/** The provider ids the kernel accepts: those of plugin ids plus `@` and `.` (`docker@local`). */
const PROVIDER_ID = /^[a-z][a-z0-9_.@-]{0,127}$/;
const NO_LINES = new TomlLocator('');

/**
 * Validates a provided server. `file` of the result is `<provider>:<origin>` (what warnings and
 * the duplicate-id messages print); a provided server has no folder, so relative paths (a
 * favicon file, a local manager's working_dir) are refused by their own checks or stay as given.
 */
export function parseProvidedServer(provider: string, id: string, raw: Readonly<Record<string, unknown>>, origin: string, catalog: SectionCatalog): { server: LoadedServer; warnings: string[] } | { problems: ProvidedServerProblem[] } {
  const schema = serverConfigSchema(catalog.server);
  const data = { ...raw, id };
  const result = schema.safeParse(data, { reportInput: true });
  if (!result.success) {
    const issues = toConfigIssues(result.error.issues, { file: provider, locator: NO_LINES, schema, data });
    return { problems: issues.map((i) => ({ path: i.path, message: i.message })) };
  }
  const value = result.data as Record<string, unknown>;
  const sections = takeSections(value, catalog.server);
  const server = { ...value, sections, id, file: `${provider}:${origin}` } as LoadedServer;
  return { server: deepFreeze(server), warnings: serverWarnings(server).map((w) => `${formatKeyPath(w.path)}: ${w.message}`) };
}

export interface ServerProvidersDeps {
  readonly sources: ServerSources;
  readonly catalog: () => SectionCatalog;
}

/** The `server-providers` service the kernel offers to plugins. */
export function createServerProviders(deps: ServerProvidersDeps): ServerProviders {
  return {
    register(id, options) {
      if (!PROVIDER_ID.test(id)) throw new Error(`provider id "${id}" must match ${PROVIDER_ID}`);
      return providerHandle(id, deps.sources.addProvider(id), deps, options.signal);
    },
  };
}

function providerHandle(provider: string, generation: number, deps: ServerProvidersDeps, signal: AbortSignal): ServerProviderHandle {
  let ended = false;
  // A newer registration of the same id (a hot reload) makes this handle inert.
  const closedNow = (): boolean => ended || !deps.sources.isCurrent(provider, generation);
  const close = (): void => {
    if (ended) return;
    ended = true;
    signal.removeEventListener('abort', close);
    deps.sources.removeProvider(provider, generation);
  };
  signal.addEventListener('abort', close, { once: true });
  if (signal.aborted) close();
  return {
    id: provider,
    set(id, config, origin): ProvideResult {
      if (closedNow()) return { ok: false, problems: [{ path: '', message: `provider ${provider} is closed or was registered again` }] };
      const parsed = parseProvidedServer(provider, id, config, origin, deps.catalog());
      if ('problems' in parsed) return { ok: false, problems: parsed.problems };
      deps.sources.setProvided(provider, id, { server: parsed.server, origin });
      return { ok: true, warnings: parsed.warnings }; // a shadowing file is warned by the merge
    },
    remove(id) {
      if (closedNow() || !deps.sources.providedIds(provider).includes(id)) return false;
      deps.sources.setProvided(provider, id, undefined);
      return true;
    },
    ids: () => (closedNow() ? [] : deps.sources.providedIds(provider)),
    close,
  };
}
