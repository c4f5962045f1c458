/** The native TypeScript loader as a PluginLoader: folders whose entry is a .ts or .js file. */
import type { Logger } from '../../log/logger.ts';
import { createNativeLoader } from './native-loader.ts';
import type { PluginLoader } from './plugin-loader.ts';

const NATIVE_ENTRY = /\.(ts|mts|js|mjs)$/;

export function nativePluginLoader(options: { dev: boolean; log: Logger }): PluginLoader {
  const native = createNativeLoader(options);
  return {
    kind: 'native',
    accepts: (c) => NATIVE_ENTRY.test(c.manifest.main ?? 'index.ts'),
    load: async (c) => ({ definition: (await native.load(c.dir, c.manifest.id, c.manifest.main ?? 'index.ts')).definition as never }),
    dispose: (id) => native.dispose(id),
    idle: () => native.idle(),
    close: () => native.close(),
  };
}
