/**
 * Owner keys: `<plugin id>#<generation>`. During a hot reload two generations of one plugin are
 * registered at once; registries let the newer shadow the older instead of calling it a conflict.
 */
export function pluginOf(owner: string): string {
  const i = owner.lastIndexOf('#');
  return i < 0 ? owner : owner.slice(0, i);
}

export function samePlugin(a: string, b: string): boolean {
  return pluginOf(a) === pluginOf(b);
}
