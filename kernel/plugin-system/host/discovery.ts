/**
 * Finds plugin folders: every subfolder of builtin-plugins/ and of plugins_dir that holds a
 * plugin.json. Manifests are read here, before any plugin code; duplicates are refused naming
 * both folders.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginManifest } from '../../../sdk/plugin.ts';
import { MANIFEST_FILE, readManifest } from './manifest.ts';
import { InfrarustError } from '../../errors.ts';

export type PluginSource = 'builtin' | 'user';

export interface Candidate {
  dir: string;
  source: PluginSource;
  manifest: PluginManifest;
}

export interface DiscoveryResult {
  candidates: Map<string, Candidate>;
  errors: InfrarustError[];
}

export async function discoverPlugins(roots: { dir: string; source: PluginSource }[]): Promise<DiscoveryResult> {
  const candidates = new Map<string, Candidate>();
  const errors: InfrarustError[] = [];
  for (const root of roots) {
    for (const dir of await pluginFolders(root.dir)) {
      try {
        const manifest = await readManifest(dir);
        const existing = candidates.get(manifest.id);
        if (existing !== undefined) {
          errors.push(new InfrarustError('IR_ERR_PLUGIN_DUPLICATE', `plugin id "${manifest.id}" is declared by both ${existing.dir} and ${dir}; the second is ignored`));
          continue;
        }
        candidates.set(manifest.id, { dir, source: root.source, manifest });
      } catch (err) {
        errors.push(err as InfrarustError);
      }
    }
  }
  return { candidates, errors };
}

/** Subfolders with a plugin.json (folders without one, like data dirs, are not plugins). */
export async function pluginFolders(root: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(root)).sort();
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const name of names) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const dir = join(root, name);
    const isPlugin = await stat(join(dir, MANIFEST_FILE)).then((s) => s.isFile(), () => false);
    if (isPlugin) out.push(dir);
  }
  return out;
}
