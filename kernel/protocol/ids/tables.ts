/** Id ↔ name lookups over packet-ids.generated.ts; the rules are documented in ./index.ts. */import { BRIGADIER_STRING, PROTOCOLS, SECTIONS } from './packet-ids.generated.ts';

export type ProtocolState = 'login' | 'configuration' | 'play';
export type Direction = 'clientbound' | 'serverbound';

/** Protocol numbers without their own data whose ids are those of another one (see above). */
const ALIASES: ReadonlyMap<number, number> = new Map([[4, 5]]);

const indexOf = new Map(PROTOCOLS.map((p, i) => [p, i]));

/**
 * The protocol whose data applies to `protocol`: itself when it has data, 5 for 4, else the nearest
 * lower protocol with data; undefined below 4 or above the newest.
 * @example dataProtocol(772) // 772 (1.21.7 and 1.21.8 share a protocol and its data)
 * @example dataProtocol(485) // 480 (1.14.2 reads 1.14.1)
 */
export function dataProtocol(protocol: number): number | undefined {
  if (!Number.isInteger(protocol) || protocol > PROTOCOLS[PROTOCOLS.length - 1]) return undefined;
  if (indexOf.has(protocol)) return protocol;
  const alias = ALIASES.get(protocol);
  if (alias !== undefined) return alias;
  for (let i = PROTOCOLS.length - 1; i >= 0; i--) if (PROTOCOLS[i] < protocol) return PROTOCOLS[i];
  return undefined;
}

interface Lookup {
  readonly byName: ReadonlyMap<string, number>;
  readonly byId: readonly string[];
}
const NO_PACKETS: Lookup = { byName: new Map(), byId: [] };
const lookups = new Map<string, Lookup>();

/** The id ↔ name lookup of one state and direction of `protocol`, built once per distinct table. */
function lookup(protocol: number, state: ProtocolState, direction: Direction): Lookup {
  const data = dataProtocol(protocol);
  if (data === undefined) return NO_PACKETS;
  const section = SECTIONS[`${state}.${direction}`];
  const table = section.byProtocol[indexOf.get(data)!];
  if (table < 0) return NO_PACKETS;
  const key = `${state}.${direction}.${table}`;
  let found = lookups.get(key);
  if (!found) {
    const byId = section.tables[table].map((n) => section.names[n]);
    found = { byName: new Map(byId.map((name, id) => [name, id])), byId };
    lookups.set(key, found);
  }
  return found;
}

/**
 * The id of minecraft-data packet `name` for `protocol`, or -1 when that version has no such packet
 * (or no such state, or no data).
 * @example packetId(765, 'play', 'clientbound', 'system_chat') // 0x69
 */
export function packetId(protocol: number, state: ProtocolState, direction: Direction, name: string): number {
  return lookup(protocol, state, direction).byName.get(name) ?? -1;
}

/**
 * The minecraft-data name of packet `id`, or undefined.
 * @example packetName(47, 'play', 'clientbound', 0x02) // 'chat'
 */
export function packetName(protocol: number, state: ProtocolState, direction: Direction, id: number): string | undefined {
  return lookup(protocol, state, direction).byId[id];
}

/**
 * How declare_commands names the brigadier:string argument parser: its registry id from 1.19 (759),
 * the identifier 'brigadier:string' from 1.13 (393) to 1.18.2; undefined before 1.13 (no
 * declare_commands) and for protocols without data.
 * @example brigadierStringParser(769) // 5
 */
export function brigadierStringParser(protocol: number): number | string | undefined {
  const data = dataProtocol(protocol);
  return data === undefined ? undefined : BRIGADIER_STRING[indexOf.get(data)!] ?? undefined;
}
