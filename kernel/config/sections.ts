/**
 * Plugin-owned sections. A plugin declares the top-level sections of infrarust.toml and the
 * sections of servers/*.toml it implements (plugin.json `sections`/`serverSections`, schemas in
 * its definition); the kernel composes those schemas into its own so both files are still
 * validated in full — file, line, key path, did-you-mean — before anything starts. A section
 * whose plugin is disabled, failed to load or is not installed is accepted and reported with a
 * warning, never silently ignored.
 */
import { z, type ZodType } from 'zod';

/** Which plugin validates a section, with its schema. */
export interface SectionOwner {
  readonly plugin: string;
  readonly schema: ZodType;
}

export interface SectionSet {
  /** Sections an active plugin validates. */
  readonly owned: ReadonlyMap<string, SectionOwner>;
  /** Sections known to belong to a plugin that is not active, with why (for the warning). */
  readonly inactive: ReadonlyMap<string, string>;
}

export interface SectionCatalog {
  readonly global: SectionSet;
  readonly server: SectionSet;
}

/**
 * v2's feature sections and the builtin plugin that implements each, so that a file written for
 * v2 still loads (with a warning) when that plugin is disabled or removed.
 */
export const V2_PLUGIN_SECTIONS = {
  global: { ip_filter: 'ip-filter', rate_limit: 'rate-limit', ban: 'ban', auth: 'mojang-auth', docker: 'docker-provider', web: 'admin-api', telemetry: 'metrics' } as Record<string, string>,
  server: { ip_filter: 'ip-filter', server_manager: 'server-manager' } as Record<string, string>,
};

const withoutPlugins = (owners: Record<string, string>): SectionSet => ({
  owned: new Map(),
  inactive: new Map(Object.entries(owners).map(([name, plugin]) => [name, `plugin ${plugin} is not loaded`])),
});

/** No plugin sections: v2's plugin sections are accepted unvalidated, with a warning each. */
export const NO_PLUGIN_SECTIONS: SectionCatalog = {
  global: withoutPlugins(V2_PLUGIN_SECTIONS.global),
  server: withoutPlugins(V2_PLUGIN_SECTIONS.server),
};

/**
 * The kernel's object schema with every plugin section added. Absent sections resolve from `{}`,
 * except those whose schema is optional (`[docker]`, `[web]`: the table's presence turns a feature on).
 */
export function composeShape<T extends z.ZodObject>(kernel: T, set: SectionSet): T {
  const extra: Record<string, ZodType> = {};
  for (const [name] of set.inactive) extra[name] = z.unknown().optional();
  for (const [name, owner] of set.owned) extra[name] = owner.schema instanceof z.ZodOptional ? owner.schema : owner.schema.prefault({});
  return kernel.extend(extra) as unknown as T;
}

/** Moves the plugin sections of a parsed file out of it, into `sections` (by section name). */
export function takeSections(parsed: Record<string, unknown>, set: SectionSet): Record<string, unknown> {
  const sections: Record<string, unknown> = {};
  for (const name of [...set.owned.keys(), ...set.inactive.keys()]) {
    if (set.owned.has(name)) sections[name] = parsed[name];
    delete parsed[name];
  }
  return sections;
}

/** Warnings for sections the file sets whose plugin is not active. */
export function inactiveWarnings(data: unknown, set: SectionSet): { path: PropertyKey[]; message: string }[] {
  if (typeof data !== 'object' || data === null) return [];
  const out: { path: PropertyKey[]; message: string }[] = [];
  for (const [name, why] of set.inactive) {
    if (Object.hasOwn(data, name)) out.push({ path: [name], message: `is ignored: ${why}` });
  }
  return out;
}

/**
 * Plugins read their sections on hot paths (ip-filter once per handshake): each section object
 * map is built once, because a property read with a key that varies by caller is a megamorphic
 * lookup in V8, several times slower than Map.get.
 */
const sectionMaps = new WeakMap<object, Map<string, unknown>>();

export function sectionOf(sections: object, name: string): unknown {
  let map = sectionMaps.get(sections);
  if (map === undefined) sectionMaps.set(sections, (map = new Map(Object.entries(sections))));
  return map.get(name);
}
