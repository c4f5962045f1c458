/**
 * The disconnect packet of each state a proxy-owned stream can be in: login (always a JSON
 * string, id 0x00: `encodeLoginDisconnect`), configuration (1.20.2+, `disconnect`) and play
 * (`kick_disconnect`), the latter two JSON before 1.20.3 and network NBT from then on.
 */
import type { Text } from '../../../sdk/player.ts';
import { kernelIds } from '../ids/index.ts';
import { PacketWriter } from '../packet-writer.ts';
import { readVarInt } from '../varint.ts';
import { componentJson, writeComponent } from '../text/component.ts';
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
