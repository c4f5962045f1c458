/**
 * The identity of a player nobody verified (offline mode, ForceOffline, and the profile that
 * BungeeCord forwarding announces for passthrough players): the authenticator's `offlineUuid`
 * policy (`[auth] offline_uuid`) when one is loaded, else vanilla's offline UUID of the name.
 */
import type { Authenticator, GameProfile } from '../../sdk/auth.ts';
import { offlineUuid } from '../protocol/uuid.ts';

export function unverifiedProfile(services: { get(name: string): object | undefined }, name: string, clientUuid: string | undefined): GameProfile {
  const authenticator = services.get('authenticator') as Authenticator | undefined;
  return { uuid: authenticator?.offlineUuid?.(name, clientUuid) ?? offlineUuid(name), name, properties: [] };
}
