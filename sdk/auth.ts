/**
 * Who a player is, for intercepted sessions (`client_only`): the kernel runs the encryption
 * handshake, then asks the `authenticator` service (provided by a plugin, e.g. the builtin
 * `mojang-auth`) to verify the player with a session server. Offline players never reach it.
 */

/** A signed profile property, e.g. `textures` (the skin), as the session server returned it. */
export interface ProfileProperty {
  readonly name: string;
  readonly value: string;
  readonly signature?: string;
}

/** A game profile: dashed lowercase UUID, the player's name as the session server spells it, properties. */
export interface GameProfile {
  readonly uuid: string;
  readonly name: string;
  readonly properties: readonly ProfileProperty[];
}

export interface AuthRequest {
  /** The name from Login Start. */
  readonly username: string;
  /**
   * The server hash the client sent to the session server's `join`: Minecraft's signed-SHA-1 hex
   * digest of serverId ("") + shared secret + the proxy's public key (DER).
   */
  readonly serverHash: string;
  /** The player's real address (for `prevent_proxy_connections`). */
  readonly remoteAddress: string;
}

export type AuthOutcome =
  | { readonly ok: true; readonly profile: GameProfile }
  /** `reason` is shown to the player (a kick) and logged at info with the player name. */
  | { readonly ok: false; readonly reason: string };

/** The `authenticator` service. Must settle: the kernel also bounds the call with a timeout. */
export interface Authenticator {
  authenticate(request: AuthRequest): Promise<AuthOutcome>;
  /**
   * The UUID of a player who is not verified (offline mode or ForceOffline), given the name and
   * the UUID the client sent (1.19.1+). Absent: vanilla's offline UUID of the name.
   */
  offlineUuid?(username: string, clientUuid: string | undefined): string;
}

declare module './plugin.ts' {
  interface ServiceMap {
    authenticator: Authenticator;
  }
}
