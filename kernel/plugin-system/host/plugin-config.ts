/**
 * A plugin's settings: `[plugins.<id>]` minus the keys the host owns, validated by the plugin's
 * own zod schema before its setup runs, then frozen.
 */
import type { ZodType } from 'zod';
import type { PluginEntry } from '../../config/index.ts';
import { InfrarustError } from '../../errors.ts';

const HOST_KEYS = new Set(['enabled', 'permissions', 'deny', 'strict_capabilities', 'path', 'wasm']);

export function pluginSettings(entry: PluginEntry | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(entry ?? {})) if (!HOST_KEYS.has(k)) out[k] = v;
  return out;
}

export function validatePluginConfig<C>(id: string, schema: ZodType<C> | undefined, entry: PluginEntry | undefined): C {
  const settings = pluginSettings(entry);
  if (schema === undefined) return Object.freeze(settings) as C;
  const parsed = schema.safeParse(settings);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `plugins.${id}.${i.path.join('.')}: ${i.message}`).join('; ');
    throw new InfrarustError('IR_ERR_PLUGIN_CONFIG', `infrarust.toml [plugins.${id}]: ${problems}`);
  }
  return deepFreeze(parsed.data);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
