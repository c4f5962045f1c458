/**
 * The views of a connection that events carry: plugins see these sdk shapes, never the
 * ConnectionContext (its socket, logger and tap stay the kernel's).
 */
import type { ConnectionRef, PlayerRef } from '../../sdk/events.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { PlayerChannel } from './player-channel.ts';

export function connectionRef(ctx: ConnectionContext): ConnectionRef {
  return { connectionId: ctx.id, remoteAddress: ctx.remoteAddress, remotePort: ctx.remotePort };
}

export function playerRef(ctx: ConnectionContext): PlayerRef {
  return {
    connectionId: ctx.id,
    username: ctx.username ?? '',
    uuid: ctx.uuid,
    remoteAddress: ctx.remoteAddress,
    protocolVersion: ctx.handshake?.protocolVersion ?? 0,
  };
}

/** An intercepted player as events see it (the profile's name and UUID: verified or offline). */
export function channelPlayerRef(channel: PlayerChannel): PlayerRef {
  return {
    connectionId: channel.connectionId,
    username: channel.profile.name,
    uuid: channel.profile.uuid,
    remoteAddress: channel.remoteAddress,
    protocolVersion: channel.protocol,
  };
}
