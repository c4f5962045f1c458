/** The native TypeScript loader as a PluginLoader: folders whose entry is a .ts or .js file. */
import type { Logger } from '../../log/logger.ts';
import { createNativeLoader } from './native-loader.ts';
import type { PluginLoader } from './plugin-loader.ts';
import { createTypeChecker } from './type-check.ts';

const NATIVE_ENTRY = /\.(ts|mts|js|mjs)$/;

export interface NativePluginLoaderOptions {
  dev: boolean;
  log: Logger;
  /** Type-check plugins before (re)loading them; default: in dev mode. */
  typeCheck?: boolean;
}

export function nativePluginLoader(options: NativePluginLoaderOptions): PluginLoader {
  const typeChecker = (options.typeCheck ?? options.dev) ? createTypeChecker(options.log) : undefined;
  const native = createNativeLoader({ dev: options.dev, log: options.log, typeChecker });
  const attempted = new Set<string>();
  return {
    kind: 'native',
    accepts: (c) => NATIVE_ENTRY.test(c.manifest.main ?? 'index.ts'),
    load: async (c) => {
      const id = c.manifest.id;
      // Builtins ship type-checked with the proxy (npm run typecheck), so at startup only the
      // user's plugins are checked; every later load of any plugin (a save) is checked too.
      const typeCheck = c.source === 'user' || attempted.has(id);
      attempted.add(id);
      return { definition: (await native.load(c.dir, id, c.manifest.main ?? 'index.ts', { typeCheck })).definition as never };
    },
    dispose: (id) => {
      attempted.delete(id);
      return native.dispose(id);
    },
    idle: () => native.idle(),
    close: () => native.close(),
  };
}
