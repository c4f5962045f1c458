/**
 * `plugin.json`: read and validated before any of the plugin's code is loaded (Velocity reads
 * velocity-plugin.json the same way). A bad manifest is one clear error naming the file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import { API_VERSION, PLUGIN_ID_PATTERN, type PluginManifest } from '../../../sdk/plugin.ts';
import { InfrarustError } from '../../errors.ts';

export const MANIFEST_FILE = 'plugin.json';

const SECTION_NAME = /^[a-z][a-z0-9_]{0,63}$/;
/** Capability names are WIT interface names (DESIGN.md §5), e.g. `events`, `codec-filter`. */
const CAPABILITY_NAME = /^[a-z][a-z0-9-]{0,63}$/;

const ManifestSchema = z.strictObject({
  id: z.string().regex(PLUGIN_ID_PATTERN, { message: 'must match ^[a-z][a-z0-9_-]{0,63}$' }),
  name: z.string().min(1).optional(),
  version: z.string().refine((v) => semver.valid(v) !== null, { message: 'must be a semver version like 1.0.0' }),
  apiVersion: z.string().refine((v) => semver.validRange(v) !== null, { message: 'must be a semver range like ^0.1.0' }),
  description: z.string().optional(),
  main: z.string().min(1).optional(),
  critical: z.boolean().optional(),
  dependencies: z.array(z.strictObject({ id: z.string().regex(PLUGIN_ID_PATTERN), optional: z.boolean().optional() })).optional(),
  sections: z.array(z.string().regex(SECTION_NAME, { message: 'must be a TOML key like rate_limit' })).optional(),
  serverSections: z.array(z.string().regex(SECTION_NAME, { message: 'must be a TOML key like ip_filter' })).optional(),
  capabilities: z.array(z.string().regex(CAPABILITY_NAME, { message: 'must be a capability name like codec-filter' })).optional(),
});

export async function readManifest(dir: string): Promise<PluginManifest> {
  const file = join(dir, MANIFEST_FILE);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (cause) {
    throw new InfrarustError('IR_ERR_PLUGIN_MANIFEST', `${file}: cannot read a JSON manifest (${(cause as Error).message})`, { cause });
  }
  const parsed = ManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new InfrarustError('IR_ERR_PLUGIN_MANIFEST', `${file}: ${problems}`);
  }
  const manifest = parsed.data;
  if (!semver.satisfies(API_VERSION, manifest.apiVersion)) {
    throw new InfrarustError(
      'IR_ERR_PLUGIN_API_VERSION',
      `${file}: plugin "${manifest.id}" wants API ${manifest.apiVersion}, this proxy provides ${API_VERSION}`,
    );
  }
  return manifest;
}
