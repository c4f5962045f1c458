/**
 * Deterministic load order: dependencies first (topological), ties by id. A plugin whose
 * required dependency is missing, failed, or part of a cycle is skipped together with everything
 * that depends on it; the error names them all, and the rest still load.
 */
import type { PluginManifest } from '../../../sdk/plugin.ts';

export interface OrderResult {
  order: string[];
  skipped: { id: string; reason: string }[];
}

export function loadOrder(manifests: ReadonlyMap<string, PluginManifest>): OrderResult {
  const skipped = new Map<string, string>();
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];

  const visit = (id: string, path: string[]): boolean => {
    if (skipped.has(id)) return false;
    if (state.get(id) === 'done') return true;
    if (state.get(id) === 'visiting') {
      const cycle = [...path.slice(path.indexOf(id)), id].join(' -> ');
      for (const member of path.slice(path.indexOf(id))) skipped.set(member, `dependency cycle ${cycle}`);
      return false;
    }
    state.set(id, 'visiting');
    const manifest = manifests.get(id)!;
    const deps = [...(manifest.dependencies ?? [])].sort((a, b) => a.id.localeCompare(b.id));
    for (const dep of deps) {
      if (!manifests.has(dep.id)) {
        if (dep.optional === true) continue;
        skipped.set(id, `requires plugin "${dep.id}", which is not installed`);
        break;
      }
      if (!visit(dep.id, [...path, id]) && dep.optional !== true) {
        if (!skipped.has(id)) skipped.set(id, `requires plugin "${dep.id}", which cannot load (${skipped.get(dep.id) ?? 'see above'})`);
        break;
      }
    }
    state.set(id, 'done');
    if (skipped.has(id)) return false;
    order.push(id);
    return true;
  };

  for (const id of [...manifests.keys()].sort()) visit(id, []);
  return { order: order.filter((id) => !skipped.has(id)), skipped: [...skipped].map(([id, reason]) => ({ id, reason })) };
}
