/** The sdk's view of an intercepted player, for the events the hooks fire. */
import type { PlayerRef } from '../../../sdk/events.ts';
import type { PlayerChannel } from '../player-channel.ts';

export function channelPlayerRef(channel: PlayerChannel): PlayerRef {
  return {
    connectionId: channel.connectionId,
    username: channel.profile.name,
    uuid: channel.profile.uuid,
    remoteAddress: channel.remoteAddress,
    protocolVersion: channel.protocol,
  };
}
