/**
 * Packet hooks: the kernel's own packet-level features in intercepted sessions (chat and command
 * events, proxy commands, the Commands-packet additions, chat-session stripping) plug into the
 * configuration/play relay through this one interface. A hook names the packet ids it wants per
 * protocol, state and direction; every other packet passes as an opaque frame without being
 * decoded, so a hook costs nothing on packets it did not ask for.
 */
import type { PlayerChannel, StreamState } from './player-channel.ts';

export type HookDirection = 'clientbound' | 'serverbound';

/**
 * What a hook decides for one packet: `undefined` passes it unchanged, `null` drops it, a Buffer
 * (id + body) replaces it, an array replaces it with several packets (possibly none).
 */
export type HookResult = undefined | null | Buffer | readonly Buffer[];

export interface PacketHook {
  /** For logs. */
  readonly name: string;
  /**
   * The packet ids this hook wants for `protocol` in `state`, one direction; asked when a stream
   * enters a state (results may be cached by the session). Return [] for none.
   */
  ids(protocol: number, state: Exclude<StreamState, 'login'>, direction: HookDirection): readonly number[];
  /**
   * Called for each wanted packet (id + body, decompressed and decrypted), in stream order. A
   * promise holds that direction of the stream (nothing after it is relayed) until it settles; a
   * throw or rejection ends the session (logged with the hook's name).
   */
  handle(channel: PlayerChannel, state: Exclude<StreamState, 'login'>, direction: HookDirection, packet: Buffer): HookResult | Promise<HookResult>;
}
