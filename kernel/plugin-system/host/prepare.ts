/**
 * The host's first step at startup: load the code of every enabled plugin (no setup runs) and
 * build the section catalog from it, so the kernel can validate the config files with the
 * plugins' schemas before anything starts. A plugin whose code fails here keeps its error for
 * its activation, which reports it like any load failure.
 */
import type { PluginDefinition } from '../../../sdk/plugin.ts';
import type { SectionCatalog } from '../../config/index.ts';
import type { Candidate } from './discovery.ts';
import { buildSectionCatalog, checkDeclaredSections, type CatalogEntry } from './section-catalog.ts';

export interface Prepared {
  catalog: SectionCatalog;
  /** Per plugin id: the definition its first activation uses, or the error it reports. */
  definitions: Map<string, PluginDefinition<unknown> | Error>;
}

export async function preparePlugins(
  candidates: Iterable<Candidate>,
  enabled: (id: string) => boolean,
  load: (candidate: Candidate) => Promise<PluginDefinition<unknown>>,
): Promise<Prepared> {
  const definitions = new Map<string, PluginDefinition<unknown> | Error>();
  const entries: CatalogEntry[] = [];
  for (const c of candidates) {
    const id = c.manifest.id;
    if (!enabled(id)) {
      entries.push({ manifest: c.manifest, inactive: `is disabled ([plugins.${id}] enabled = false)` });
      continue;
    }
    try {
      const definition = await load(c);
      checkDeclaredSections(c.manifest, definition);
      definitions.set(id, definition);
      entries.push({ manifest: c.manifest, definition });
    } catch (err) {
      definitions.set(id, err as Error);
      entries.push({ manifest: c.manifest, inactive: 'failed to load' });
    }
  }
  const { catalog, errors } = buildSectionCatalog(entries);
  for (const [id, err] of errors) definitions.set(id, err);
  return { catalog, definitions };
}
