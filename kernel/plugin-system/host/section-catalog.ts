/**
 * Builds the section catalog (config/sections.ts) from the plugins found: which plugin validates
 * which section of infrarust.toml and servers/*.toml, and which known sections have no active
 * plugin (disabled, failed to load, not installed). A definition whose schemas do not match the
 * sections its manifest declares, or a section two plugins claim, is that plugin's load error.
 */
import type { PluginDefinition, PluginManifest } from '../../../sdk/plugin.ts';
import { V2_PLUGIN_SECTIONS, type SectionCatalog, type SectionOwner } from '../../config/index.ts';
import { InfrarustError } from '../../errors.ts';

/** What the host knows of one plugin when the catalog is built. */
export interface CatalogEntry {
  manifest: PluginManifest;
  /** Present when the plugin is enabled and its code loaded. */
  definition?: PluginDefinition<unknown>;
  /** Why it is not active (disabled, failed), when it is not. */
  inactive?: string;
}

type Kind = 'global' | 'server';

const declared = (m: PluginManifest, kind: Kind): string[] => (kind === 'global' ? m.sections : m.serverSections) ?? [];
const schemasOf = (d: PluginDefinition<unknown>, kind: Kind): Record<string, unknown> => (kind === 'global' ? d.sections : d.serverSections) ?? {};

/** Throws IR_ERR_PLUGIN_CONFIG when the manifest and the definition disagree on sections. */
export function checkDeclaredSections(manifest: PluginManifest, definition: PluginDefinition<unknown>): void {
  for (const kind of ['global', 'server'] as const) {
    const names = declared(manifest, kind).slice().sort().join(', ');
    const schemas = Object.keys(schemasOf(definition, kind)).sort().join(', ');
    if (names === schemas) continue;
    const field = kind === 'global' ? 'sections' : 'serverSections';
    throw new InfrarustError('IR_ERR_PLUGIN_CONFIG', `plugin ${manifest.id}: plugin.json "${field}" lists [${names}] but its definition has schemas for [${schemas}]`);
  }
}

export function buildSectionCatalog(entries: readonly CatalogEntry[]): { catalog: SectionCatalog; errors: Map<string, InfrarustError> } {
  const errors = new Map<string, InfrarustError>();
  const set = (kind: Kind) => {
    const owned = new Map<string, SectionOwner>();
    const inactive = new Map<string, string>();
    for (const [name, plugin] of Object.entries(V2_PLUGIN_SECTIONS[kind])) inactive.set(name, `plugin ${plugin} is not installed`);
    for (const e of entries) {
      const id = e.manifest.id;
      for (const name of declared(e.manifest, kind)) {
        if (e.definition === undefined || errors.has(id)) {
          if (!owned.has(name)) inactive.set(name, `plugin ${id} ${e.inactive ?? 'is not loaded'}`);
          continue;
        }
        const holder = owned.get(name);
        if (holder !== undefined) {
          errors.set(id, new InfrarustError('IR_ERR_PLUGIN_CONFIG', `plugin ${id}: section [${name}] is already owned by plugin ${holder.plugin}`));
          continue;
        }
        owned.set(name, { plugin: id, schema: schemasOf(e.definition, kind)[name] as SectionOwner['schema'] });
        inactive.delete(name);
      }
    }
    return { owned, inactive };
  };
  return { catalog: { global: set('global'), server: set('server') }, errors };
}
