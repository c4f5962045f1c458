/**
 * The status path's one view of managed servers: a server's state, read from the
 * `server-manager` service when a plugin provides it (the builtin server-manager does). The
 * kernel never imports that plugin; without a provider every server is "not managed".
 */
import type { ServerManagerService, ServerState } from '../../sdk/server-manager.ts';

/** A server's manager state; undefined when it is not managed (or nobody manages servers). */
export type ManagedStateLookup = (serverId: string) => ServerState | undefined;

/** The lookup over a services registry; a provider that throws counts as "not managed". */
export function managedStateFrom(services: { get(name: string): object | undefined }): ManagedStateLookup {
  return function managedState(serverId) {
    const service = services.get('server-manager') as Pick<ServerManagerService, 'state'> | undefined;
    try {
      return service?.state(serverId);
    } catch {
      return undefined;
    }
  };
}
