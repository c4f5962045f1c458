/**
 * Capabilities are WIT interfaces of `infrarust:plugin@0.1.0` (wit/README.md). A component's
 * imports are compared with its grants before it is instantiated: any `wasi:*` import, an
 * interface of another package, or an opt-in interface not granted in `[plugins.<id>]
 * permissions` refuses the plugin with a message naming the interface and what to grant.
 */
import { InfrarustError } from '../../errors.ts';

export const WIT_PACKAGE = 'infrarust:plugin';
export const WIT_VERSION = '0.1.0';

/** Every plugin gets these (`world base`). `deny` may remove them. */
export const BASELINE = ['log', 'events', 'commands', 'scheduler', 'config-read', 'player-read', 'server-read'] as const;
/** Granted by name in `[plugins.<id>] permissions`. */
export const OPT_IN = ['player-write', 'ban', 'server-manage', 'codec-filter', 'limbo'] as const;
/** Opt-ins whose host side is not written yet: refused at load even when granted (none in 0.1.0). */
export const NOT_IMPLEMENTED = new Set<string>();
/** Interfaces that hold only types (never imported by the toolchains we know, harmless if they are). */
const TYPE_ONLY = new Set(['types']);

export interface Grants {
  permissions: readonly string[];
  deny: readonly string[];
}

/** The capabilities a plugin holds: baseline + granted opt-ins − denied. */
export function granted(grants: Grants): Set<string> {
  const out = new Set<string>([...BASELINE, ...grants.permissions.filter((p) => (OPT_IN as readonly string[]).includes(p))]);
  for (const d of grants.deny) out.delete(d);
  return out;
}

/** `infrarust:plugin/events@0.1.0` or `infrarust:plugin/events` → `events`; undefined for other packages. */
export function interfaceName(importName: string): string | undefined {
  const m = /^infrarust:plugin\/([a-z][a-z0-9-]*)(?:@([0-9.]+))?$/.exec(importName);
  return m?.[1];
}

/** Throws IR_ERR_WASM_WASI_IMPORT / IR_ERR_WASM_CAPABILITY for the first import the plugin may not have. */
export function checkImports(id: string, imports: readonly string[], grants: Grants): void {
  const have = granted(grants);
  for (const name of imports) {
    if (name.startsWith('wasi:')) {
      throw new InfrarustError('IR_ERR_WASM_WASI_IMPORT', `plugin ${id}: the component imports ${name}; WASM plugins must be pure components without WASI (build with \`infrarust plugin build\`, which disables every WASI feature). Nothing gives a plugin files or sockets.`);
    }
    const iface = interfaceName(name);
    if (iface === undefined) {
      throw new InfrarustError('IR_ERR_WASM_CAPABILITY', `plugin ${id}: the component imports ${name}, which is not part of ${WIT_PACKAGE}@${WIT_VERSION}; only that package's interfaces are provided`);
    }
    if (TYPE_ONLY.has(iface) || have.has(iface)) {
      if (NOT_IMPLEMENTED.has(iface)) throw new InfrarustError('IR_ERR_WASM_CAPABILITY', `plugin ${id}: the component imports ${name}; this proxy version does not provide the ${iface} capability to WASM plugins yet`);
      continue;
    }
    const how = (BASELINE as readonly string[]).includes(iface)
      ? `remove "${iface}" from [plugins.${id}] deny`
      : (OPT_IN as readonly string[]).includes(iface)
        ? `grant it with [plugins.${id}] permissions = [${[...grants.permissions, iface].map((p) => JSON.stringify(p)).join(', ')}]`
        : `no such capability exists in ${WIT_PACKAGE}@${WIT_VERSION}`;
    throw new InfrarustError('IR_ERR_WASM_CAPABILITY', `plugin ${id}: the component imports ${name} (capability "${iface}"), which it is not granted; ${how}`);
  }
}
