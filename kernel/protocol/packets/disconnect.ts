/**
 * The disconnect packet of each state a proxy-owned stream can be in: login (always a JSON
 * string, id 0x00: `encodeLoginDisconnect`), configuration (1.20.2+, `disconnect`) and play
 * (`kick_disconnect`), the latter two JSON before 1.20.3 and network NBT from then on.
 */
import type { Text } from '../../../sdk/player.ts';
import { kernelIds } from '../ids/index.ts';
import { PacketWriter } from '../packet-writer.ts';
import { readVarInt } from '../varint.ts';
import { componentJson, NBT_COMPONENTS_SINCE, writeComponent } from '../text/component.ts';
import { readNetworkNbt } from '../text/nbt-reader.ts';
import { PacketReader } from '../packet-reader.ts';
import { componentToLegacy } from '../../../sdk/text.ts';
import { encodeLoginDisconnect } from './login.ts';

export type DisconnectState = 'login' | 'configuration' | 'play';

/**
 * `id + body` of the disconnect for `state`, showing `reason`; undefined when the state does not
 * exist in `protocol` (configuration before 1.20.2) or the protocol has no data.
 * @example channel.close(encodeDisconnect(channel.protocol, channel.clientState, '§cBye'))
 */
export function encodeDisconnect(protocol: number, state: DisconnectState, reason: Text): Buffer | undefined {
  if (state === 'login') {
    const frame = encodeLoginDisconnect(componentJson(reason, protocol));
    return frame.subarray(readVarInt(frame, 0)!.size); // the channel frames packets itself
  }
  const ids = kernelIds(protocol);
  const id = state === 'configuration' ? ids.config.cb.disconnect : ids.play.cb.kickDisconnect;
  if (id < 0) return undefined;
  const w = new PacketWriter().varInt(id);
  writeComponent(w, reason, protocol);
  return w.toBuffer();
}

/** Vanilla's kick reasons are translation keys; the usual ones in the words a client shows. */
const VANILLA_REASONS: Record<string, string> = {
  'multiplayer.disconnect.kicked': 'Kicked by an operator',
  'multiplayer.disconnect.server_shutdown': 'Server closed',
  'multiplayer.disconnect.banned': 'You are banned from this server',
  'multiplayer.disconnect.idling': 'You have been idle for too long!',
  'multiplayer.disconnect.server_full': 'The server is full!',
  'multiplayer.disconnect.duplicate_login': 'You logged in from another location',
  'multiplayer.disconnect.not_whitelisted': 'You are not white-listed on this server!',
  'disconnect.timeout': 'Timed out',
};

/** Bytes of a reason beyond which it is shortened (a chat line, a log field). */
const MAX_REASON_CHARS = 1024;

/**
 * The reason of a configuration/play disconnect (id + body) a backend sent, as legacy `§` text
 * (JSON before 1.20.3, network NBT from then on); a reason that cannot be decoded gives
 * `fallback`. Translation keys vanilla uses for kicks read as their English text.
 * @example decodeDisconnectReason(769, packet) // '§cThe server is restarting'
 */
export function decodeDisconnectReason(protocol: number, packet: Buffer, fallback = 'Disconnected'): string {
  try {
    const r = new PacketReader(packet);
    r.varInt();
    const value: unknown = protocol >= NBT_COMPONENTS_SINCE ? readNetworkNbt(r) : JSON.parse(r.string(262144));
    const text = componentToLegacy(translated(value));
    return text === '' ? fallback : text.slice(0, MAX_REASON_CHARS);
  } catch {
    return fallback;
  }
}

function translated(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const c = value as Record<string, unknown>;
  if (typeof c.translate === 'string' && typeof c.text !== 'string') {
    const known = VANILLA_REASONS[c.translate];
    if (known !== undefined) return { ...c, translate: undefined, text: known };
  }
  return c;
}
