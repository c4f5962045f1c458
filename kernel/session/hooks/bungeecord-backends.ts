/**
 * The intercepted players' channels, as the BungeeCord hook saw them enter play (each Join Game
 * passes through it), so `Forward` and `ForwardToPlayer` can send on another player's backend
 * connection, and only while that connection is in play (a 1.20.2+ player in the middle of a
 * switch is skipped: its backend would read a play packet id in configuration).
 *
 * Bounded: one entry per connection; closed channels are pruned once the map has doubled since
 * the last prune, so it holds at most about twice the live players.
 */
import { kernelIds } from '../../protocol/ids/index.ts';
import type { PlayerChannel } from '../player-channel.ts';
import { bungeeChannelFor, encodePluginMessage, MAX_SERVERBOUND_DATA } from './bungeecord-codec.ts';

const MIN_PRUNE = 64;

export class PlayChannels {
  private readonly byConnection = new Map<number, PlayerChannel>();
  private pruneAt = MIN_PRUNE;

  /** Records `channel` (its backend is in play now or about to be). */
  seen(channel: PlayerChannel): void {
    this.byConnection.set(channel.connectionId, channel);
    if (this.byConnection.size < this.pruneAt) return;
    for (const [id, c] of this.byConnection) if (c.closed) this.byConnection.delete(id);
    this.pruneAt = Math.max(MIN_PRUNE, this.byConnection.size * 2);
  }

  get size(): number {
    return this.byConnection.size;
  }

  /** A channel on `serverId` whose backend stream is in play. */
  onServer(serverId: string): PlayerChannel | undefined {
    for (const c of this.byConnection.values()) if (c.serverId === serverId && inPlay(c)) return c;
    return undefined;
  }

  /** The in-play channel of the player named `name` (case-insensitive). */
  byName(name: string): PlayerChannel | undefined {
    const lower = name.toLowerCase();
    for (const c of this.byConnection.values()) if (c.profile.name.toLowerCase() === lower && inPlay(c)) return c;
    return undefined;
  }

  /** One in-play channel per server that has one (the "ALL" targets of Forward). */
  perServer(): Map<string, PlayerChannel> {
    const out = new Map<string, PlayerChannel>();
    for (const c of this.byConnection.values()) if (inPlay(c) && !out.has(c.serverId)) out.set(c.serverId, c);
    return out;
  }
}

function inPlay(c: PlayerChannel): boolean {
  return !c.closed && c.serverState === 'play';
}

/**
 * Sends `data` on the BungeeCord channel to `channel`'s backend (serverbound play custom_payload),
 * named `channelName` or the one its version expects. False when it cannot: closed, not in play,
 * or over vanilla's 32767-byte serverbound limit (the backend would kick the player).
 */
export function sendToBackend(channel: PlayerChannel, data: Buffer, channelName = bungeeChannelFor(channel.protocol)): boolean {
  if (!inPlay(channel) || data.length > MAX_SERVERBOUND_DATA) return false;
  const id = kernelIds(channel.protocol).play.sb.customPayload;
  if (id < 0) return false;
  channel.sendToServer(encodePluginMessage(id, channelName, data));
  return true;
}
