/**
 * What an intercepted session offers the code that talks to its player on the proxy's behalf
 * (the Player handle, commands, chat hooks): packets in, in order, on either side. Packets are
 * `id + body` for the protocol state that side is in right now; the session frames, compresses
 * and encrypts them as that side needs.
 */
import type { GameProfile } from '../../sdk/auth.ts';
import type { PlayerResult } from '../../sdk/player.ts';

/** A stream's state: which table of packet ids applies. */
export type StreamState = 'login' | 'configuration' | 'play';

export interface PlayerChannel {
  readonly connectionId: number;
  readonly protocol: number;
  readonly profile: GameProfile;
  /** True when a session server verified the player. */
  readonly verified: boolean;
  readonly remoteAddress: string;
  /** The server the player is on now. */
  readonly serverId: string;
  /** The state of the stream towards the client (what clientbound ids mean now). */
  readonly clientState: StreamState;
  /** The state of the stream towards the backend (what serverbound ids mean now). */
  readonly serverState: StreamState;
  readonly closed: boolean;
  /** Queues a packet to the client after whatever is being relayed to it now. */
  sendToClient(packet: Buffer): void;
  /** Queues a packet to the backend after whatever is being relayed to it now. */
  sendToServer(packet: Buffer): void;
  /** Moves the player to another server (backend-transition.ts); absent where the session cannot. */
  readonly switchServer?: (serverId: string) => Promise<PlayerResult>;
  /** Ends the session: `finalPacket` (a disconnect for clientState) goes to the client first. */
  close(finalPacket?: Buffer): void;
}
