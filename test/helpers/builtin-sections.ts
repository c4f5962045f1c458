/**
 * The section catalog the proxy builds when the builtin plugins are loaded, built here from their
 * option schemas directly, for config tests that do not start a plugin host.
 */
import { buildSectionCatalog } from '../../kernel/plugin-system/host/section-catalog.ts';
import type { SectionCatalog } from '../../kernel/config/index.ts';
import type { PluginDefinition } from '../../sdk/plugin.ts';
import { IpFilterSchema, type IpFilterRules } from '../../builtin-plugins/ip-filter/options.ts';
import { RateLimitSchema, type RateLimitSettings } from '../../builtin-plugins/rate-limit/options.ts';
import { BanSchema, type BanSection } from '../../builtin-plugins/ban/options.ts';
import { AuthSchema, type AuthSettings } from '../../builtin-plugins/mojang-auth/options.ts';
import { WebSchema, type WebSection } from '../../builtin-plugins/admin-api/options.ts';
import { TelemetrySchema, type TelemetrySection } from '../../builtin-plugins/metrics/options.ts';
import { DockerSchema, type DockerSettings } from '../../builtin-plugins/docker-provider/options.ts';
import { ServerManagerSection, type ServerManagerConfig } from '../../builtin-plugins/server-manager/options.ts';

const definition = (sections: Record<string, unknown>, serverSections: Record<string, unknown> = {}): PluginDefinition<unknown> =>
  ({ sections, serverSections, setup: () => undefined }) as unknown as PluginDefinition<unknown>;

export function builtinSections(): SectionCatalog {
  const manifest = (id: string, sections: string[], serverSections: string[] = []) => ({ id, version: '0.1.0', apiVersion: '^0.1.0', sections, serverSections });
  return buildSectionCatalog([
    { manifest: manifest('ip-filter', ['ip_filter'], ['ip_filter']), definition: definition({ ip_filter: IpFilterSchema }, { ip_filter: IpFilterSchema }) },
    { manifest: manifest('rate-limit', ['rate_limit']), definition: definition({ rate_limit: RateLimitSchema }) },
    { manifest: manifest('ban', ['ban']), definition: definition({ ban: BanSchema }) },
    { manifest: manifest('mojang-auth', ['auth']), definition: definition({ auth: AuthSchema }) },
    { manifest: manifest('admin-api', ['web']), definition: definition({ web: WebSchema.optional() }) },
    { manifest: manifest('metrics', ['telemetry']), definition: definition({ telemetry: TelemetrySchema }) },
    { manifest: manifest('docker-provider', ['docker']), definition: definition({ docker: DockerSchema }) },
    { manifest: manifest('server-manager', [], ['server_manager']), definition: definition({}, { server_manager: ServerManagerSection }) },
  ]).catalog;
}

/** The builtin plugins' sections of a parsed config, typed. */
export interface BuiltinSections {
  ip_filter: IpFilterRules;
  rate_limit: RateLimitSettings;
  ban: BanSection;
  auth: AuthSettings;
  docker: DockerSettings;
  server_manager: ServerManagerConfig | undefined;
  web?: WebSection;
  telemetry: TelemetrySection;
}
