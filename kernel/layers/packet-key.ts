/**
 * RawPacket subscriptions are keyed by one number built from (direction, state, packet id), so
 * the per-packet "does anyone listen?" check is a Map lookup with no string building.
 */
import { InfrarustError } from '../errors.ts';
import type { PacketSelector } from '../../sdk/events.ts';

const STATE_INDEX: Readonly<Record<string, number>> = { handshake: 0, status: 1, login: 2, configuration: 3, play: 4 };
const MAX_PACKET_ID = 0x7fffffff;

/** The key of a packet, or -1 when the state or direction is not one a selector can name. */
export function packetKey(direction: string, state: string, packetId: number): number {
  const stateIndex = STATE_INDEX[state];
  if (stateIndex === undefined || !(packetId >= 0 && packetId <= MAX_PACKET_ID)) return -1;
  const dir = direction === 'serverbound' ? 0 : direction === 'clientbound' ? 1 : -1;
  if (dir < 0) return -1;
  return (packetId * 8 + stateIndex) * 2 + dir;
}

/** The key of a selector, or an IR_ERR_PLUGIN_REGISTRATION_INVALID naming what is wrong. */
export function selectorKey(selector: PacketSelector, owner: string): number {
  const key = Number.isInteger(selector.packetId) ? packetKey(selector.direction, selector.state, selector.packetId) : -1;
  if (key >= 0) return key;
  throw new InfrarustError(
    'IR_ERR_PLUGIN_REGISTRATION_INVALID',
    `plugin ${owner}: packet selector ${JSON.stringify(selector)} needs direction serverbound|clientbound, state handshake|status|login|configuration|play and an integer packetId >= 0`,
  );
}
