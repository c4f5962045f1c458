/**
 * The BungeeCord plugin-message channel (`bungeecord:main` from 1.13, `BungeeCord` before) for
 * intercepted players, answered by the proxy as BungeeCord and Velocity do. A backend plugin
 * sends its request as a clientbound play `custom_payload` on the player's connection; the proxy
 * takes it out of the stream (the client never sees it) and answers, when the subchannel has an
 * answer, with a serverbound `custom_payload` to that backend on the same channel name.
 *
 * - Active on a server with `bungeecord_channel = true`, or on every intercepted server when
 *   `[plugin_messaging] bungeecord = true`. Elsewhere the message passes to the client unchanged,
 *   as on a proxy with the channel disabled.
 * - Only in play (a configuration-state message passes), only on 1.8+ clients.
 * - A subchannel switched off in `[plugin_messaging.bungeecord_permissions]`, an unknown
 *   subchannel, or a malformed payload is dropped (a debug line says which); the player stays.
 *
 * The subchannels and their payloads: bungeecord-subchannels.ts.
 */
import { kernelIds } from '../../protocol/ids/index.ts';
import { PacketReader } from '../../protocol/packet-reader.ts';
import type { Logger } from '../../log/logger.ts';
import type { HookResult, PacketHook } from '../packet-hooks.ts';
import type { PlayerChannel } from '../player-channel.ts';
import { PlayChannels, sendToBackend } from './bungeecord-backends.ts';
import { DataInput, decodePluginMessage, isBungeeChannel } from './bungeecord-codec.ts';
import { SUBCHANNELS, type BungeeCordSources } from './bungeecord-subchannels.ts';

export type { BungeeCordSources } from './bungeecord-subchannels.ts';

/** 1.8: the first protocol whose custom_payload data runs to the end of the packet. */
const V1_8 = 47;

export interface BungeeCordHookDeps {
  readonly sources: BungeeCordSources;
  readonly log: Logger;
}

/** The hook, with the channels it tracks for Forward (exposed for tests). */
export function bungeeCordHook(deps: BungeeCordHookDeps): PacketHook & { readonly backends: PlayChannels } {
  const backends = new PlayChannels();
  return {
    name: 'bungeecord-channel',
    backends,
    ids(protocol, state, direction) {
      if (state !== 'play' || direction !== 'clientbound' || protocol < V1_8) return [];
      const cb = kernelIds(protocol).play.cb;
      return [cb.customPayload, cb.login].filter((id) => id >= 0);
    },
    handle(channel, _state, _direction, packet) {
      const cb = kernelIds(channel.protocol).play.cb;
      const id = new PacketReader(packet).varInt();
      if (id === cb.login) {
        backends.seen(channel);
        return undefined;
      }
      return id === cb.customPayload ? onPluginMessage(deps, backends, channel, packet) : undefined;
    },
  };
}

/** True when the player's current server answers the channel. */
function enabled(sources: BungeeCordSources, channel: PlayerChannel): boolean {
  return sources.messaging().bungeecord || sources.server(channel.serverId)?.bungeecord_channel === true;
}

function onPluginMessage(deps: BungeeCordHookDeps, backends: PlayChannels, channel: PlayerChannel, packet: Buffer): HookResult {
  const { sources, log } = deps;
  let message;
  try {
    message = decodePluginMessage(packet);
  } catch {
    return undefined; // not ours to judge: the client decides what a bad custom_payload means
  }
  if (!isBungeeChannel(message.channel) || !enabled(sources, channel)) return undefined;
  backends.seen(channel);
  const input = new DataInput(message.data);
  let subchannel = '';
  try {
    subchannel = input.readUTF();
    const handler = SUBCHANNELS.get(subchannel);
    if (handler === undefined || !sources.messaging().bungeecord_permissions[handler.permission]) {
      log.debug({ conn: channel.connectionId, server: channel.serverId, subchannel }, 'BungeeCord subchannel ignored (unknown or not permitted)');
      return null;
    }
    const answer = handler.run({ channel, sources, backends, log }, input);
    if (answer !== undefined && !sendToBackend(channel, answer, message.channel)) {
      log.debug({ conn: channel.connectionId, subchannel, bytes: answer.length }, 'BungeeCord answer not sent (too large or the backend left play)');
    }
  } catch (err) {
    log.debug({ conn: channel.connectionId, server: channel.serverId, subchannel, err: (err as Error).message }, 'malformed BungeeCord message ignored');
  }
  return null;
}
