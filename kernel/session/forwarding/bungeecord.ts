/**
 * BungeeCord legacy forwarding and BungeeGuard: the handshake's server address becomes
 * `host\0clientIp\0uuidWithoutDashes\0propertiesJson`, which Spigot/Paper with `bungeecord: true`
 * split on NUL. The JSON is an array of `{"name","value"[,"signature"]}` (BungeeCord's and
 * Velocity's `LoginResult.Property` as Gson writes it). BungeeGuard adds one property,
 * `bungeeguard-token`, whose value is the shared secret; the backend plugin checks it.
 *
 * Length: vanilla reads the handshake address as a String of at most 255 chars, but Spigot/Paper
 * in BungeeCord mode read up to 32767, and a profile with a skin makes the address 1–2 KB. Our
 * `encodeHandshake` writes any length; `decodeHandshake` caps what the proxy itself accepts
 * (MAX_HANDSHAKE_ADDRESS), which does not apply to what it sends.
 */
import type { GameProfile, ProfileProperty } from '../../../sdk/auth.ts';
import { formatUuid } from '../../protocol/uuid.ts';

export const BUNGEEGUARD_TOKEN_PROPERTY = 'bungeeguard-token';

/** Property as JSON: the signature only when there is one (BungeeCord omits a null one). */
function propertyJson(p: ProfileProperty): ProfileProperty {
  return p.signature ? { name: p.name, value: p.value, signature: p.signature } : { name: p.name, value: p.value };
}

/**
 * The handshake server address for BungeeCord forwarding, or BungeeGuard when `token` is given.
 * `host` is the routable host without Forge markers (Velocity drops them too); `clientIp` as
 * forwardedAddress returns it. The properties part is always written (`[]` when empty), as
 * Velocity does; Spigot accepts it with or without.
 *
 * bungeeCordAddress('mc.example.com', '203.0.113.7', { uuid: '069a79f4-44e9-4726-a5be-fca90e38aaf5', name: 'Notch', properties: [] })
 *   === 'mc.example.com\u0000203.0.113.7\u0000069a79f444e94726a5befca90e38aaf5\u0000[]'
 */
export function bungeeCordAddress(host: string, clientIp: string, profile: GameProfile, token?: string): string {
  const properties = profile.properties.map(propertyJson);
  if (token !== undefined) properties.push({ name: BUNGEEGUARD_TOKEN_PROPERTY, value: token });
  const uuid = formatUuid(profile.uuid).replace(/-/g, '');
  return `${host}\0${clientIp}\0${uuid}\0${JSON.stringify(properties)}`;
}
