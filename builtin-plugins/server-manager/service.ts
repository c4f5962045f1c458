/** The `server-manager` service over the plugin's managed servers. */
import type { ServerManagerService, ServerStateChangeInfo } from '../../sdk/index.ts';
import type { ManagedServer } from './managed-server.ts';

export type Listeners = Set<(change: ServerStateChangeInfo) => void>;

export function createService(servers: ReadonlyMap<string, ManagedServer>, listeners: Listeners): ServerManagerService {
  const notManaged = (id: string) => ({ ok: false as const, reason: `${id} has no [server_manager]` });
  return {
    servers: () => [...servers.keys()].sort(),
    state: (id) => servers.get(id)?.state,
    describe: (id) => servers.get(id)?.info(),
    start: async (id) => (await servers.get(id)?.start()) ?? notManaged(id),
    stop: async (id) => (await servers.get(id)?.stop()) ?? notManaged(id),
    onStateChange(listener, options) {
      const off = (): void => {
        listeners.delete(listener);
        options?.signal?.removeEventListener('abort', off);
      };
      if (options?.signal?.aborted) return off;
      listeners.add(listener);
      options?.signal?.addEventListener('abort', off, { once: true });
      return off;
    },
  };
}
