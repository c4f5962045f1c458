/**
 * Players as plugins drive them. Intercepted players (`client_only`, `offline`) can be sent chat,
 * titles, action bars, boss bars and raw packets, and kicked with a message; a passthrough
 * player's stream is the backend's, so those calls answer `{ ok: false, code: 'passthrough' }`
 * instead of failing silently.
 */
import type { GameProfile } from './auth.ts';
import type { TextComponent } from './text.ts';

/** Text as plugins give it: a string with legacy `§` codes, or a JSON chat component. */
export type Text = string | TextComponent;

export type PlayerResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      /**
       * `passthrough`: the proxy does not own this stream; `unsupported`: this client version has no
       * such thing (e.g. titles before 1.8); `closed`: the player left. For `switchServer`:
       * `unknown-server`, `already-connected`, `denied` (ServerPreConnect or the backend refused),
       * `unreachable` (the player stays where they were), `busy` (a switch is under way).
       */
      readonly code: 'passthrough' | 'unsupported' | 'closed' | 'unknown-server' | 'already-connected' | 'denied' | 'unreachable' | 'busy';
      readonly message: string;
    };

export interface TitleTimes {
  /** Ticks (1/20 s). Vanilla defaults: 10, 70, 20. */
  readonly fadeIn: number;
  readonly stay: number;
  readonly fadeOut: number;
}

export type BossBarColor = 'pink' | 'blue' | 'red' | 'green' | 'yellow' | 'purple' | 'white';
export type BossBarOverlay = 'progress' | 'notched_6' | 'notched_10' | 'notched_12' | 'notched_20';

export interface BossBarOptions {
  readonly title: Text;
  /** 0 … 1. */
  readonly progress?: number;
  readonly color?: BossBarColor;
  readonly overlay?: BossBarOverlay;
}

/** A boss bar shown to one player (1.9+); `update` and `hide` are no-ops once the player left. */
export interface BossBar {
  update(changes: Partial<BossBarOptions>): PlayerResult;
  hide(): PlayerResult;
}

export interface Player {
  readonly connectionId: number;
  readonly username: string;
  /** Dashed lowercase UUID (the verified one in client_only, the offline one in offline mode). */
  readonly uuid: string | undefined;
  readonly remoteAddress: string;
  readonly protocolVersion: number;
  /** The server the player is on now. */
  readonly serverId: string | undefined;
  /** How the proxy handles this player's stream. */
  readonly mode: 'passthrough' | 'intercepted';
  /** True when a session server verified the player (client_only, not ForceOffline). */
  readonly verified: boolean;
  /** The profile with its properties (skin), when the proxy logged the player in. */
  readonly profile: GameProfile | undefined;
  sendMessage(text: Text): PlayerResult;
  sendTitle(title: Text, subtitle?: Text, times?: TitleTimes): PlayerResult;
  sendActionBar(text: Text): PlayerResult;
  /** A boss bar, or the reason there is none (passthrough, before 1.9, closed). */
  showBossBar(options: BossBarOptions): BossBar | Extract<PlayerResult, { ok: false }>;
  /** Ends the connection with `reason` shown (a passthrough player's connection is closed without it). */
  kick(reason: Text): PlayerResult;
  /**
   * Sends a packet (id + body for the player's current protocol state) to the client
   * ('clientbound', default) or to the backend ('serverbound'), framed, compressed and encrypted
   * as that side needs.
   */
  sendPacket(id: number, data: Uint8Array, direction?: 'clientbound' | 'serverbound'): PlayerResult;
  /**
   * Moves an intercepted player to another server (its id), on every supported version: the
   * proxy logs them in there first; if that fails they stay where they are and are told why in
   * chat. ServerPreConnect, then ServerSwitch and ServerConnected fire. The target must be a
   * `client_only` or `offline` server. Resolves when the player is there (or the reason not).
   * Do not await it inside a listener that holds this player's packets (ChatMessage,
   * CommandExecute, RawPacket, a command's execute): a 1.20.2+ switch waits for the client.
   * @example
   * const r = await ctx.proxy.player('Steve')?.switchServer('survival');
   * if (r && !r.ok) ctx.log.info(`not moved: ${r.code} ${r.message}`);
   */
  switchServer(serverId: string): Promise<PlayerResult>;
}
