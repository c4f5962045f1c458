/**
 * The connection context: one object per accepted socket that flows through the phases
 * (accept → handshake → route → status | login → relay) and carries what each phase learned.
 * Plugins never see it: they get the sdk's ConnectionRef/PlayerRef built from it
 * (session/event-refs.ts). Nothing else about a connection is global.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../log/logger.ts';
import type { TransportTap } from '../net/transport-tap.ts';
import type { PreRouteTicket } from '../net/pre-route-guard.ts';
import type { HandshakeInfo } from '../protocol/packets/handshake.ts';

export type ConnectionPhase = 'accepted' | 'handshake' | 'status' | 'login' | 'relay' | 'closed';
export type { HandshakeInfo, Intent } from '../protocol/packets/handshake.ts';

/** The read-only view of a connection (what the phases expose; plugins get ConnectionRef/PlayerRef). */
export interface ConnectionInfo {
  readonly id: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly phase: ConnectionPhase;
  readonly handshake?: HandshakeInfo;
  readonly serverId?: string;
  readonly username?: string;
  readonly uuid?: string;
}

export interface ConnectionContext extends ConnectionInfo {
  /** The client's address: the socket peer, or the one a PROXY header named (set before admission). */
  remoteAddress: string;
  remotePort: number;
  phase: ConnectionPhase;
  handshake?: HandshakeInfo;
  serverId?: string;
  username?: string;
  uuid?: string;
  /** PreLogin's ForceOnline / ForceOffline for this player (intercepted sessions honour it). */
  authOverride?: 'online' | 'offline';
  /** A SendToLimbo result at login: hold the player in limbo with these handlers first (empty: the server's). */
  limboOverride?: readonly string[];
  /** 1.19–1.19.2: the chat-signing key from Login Start (client_only verifies the signed salt with it). */
  chatKey?: Buffer;
  readonly socket: Socket;
  readonly startedAt: number;
  /** Transport filters for this connection's bytes (absent when the proxy has none at accept). */
  transport?: TransportTap;
  /** Its share of the pre-route limits (per-address cap, memory budget) until it is routed. */
  preRoute?: PreRouteTicket;
  /** The per-connection child logger (created on first use: idle relays never pay for it). */
  readonly log: Logger;
}

/**
 * A class rather than an object literal: `log` lives on the prototype, so copying or logging a
 * context never creates the child logger, and an idle relayed connection holds only its fields.
 */
class Connection implements ConnectionContext {
  phase: ConnectionPhase = 'accepted';
  handshake?: HandshakeInfo;
  serverId?: string;
  username?: string;
  uuid?: string;
  authOverride?: 'online' | 'offline';
  limboOverride?: readonly string[];
  chatKey?: Buffer;
  transport?: TransportTap;
  preRoute?: PreRouteTicket;
  remoteAddress: string;
  remotePort: number;
  readonly startedAt = Date.now();
  private childLog: Logger | undefined;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    private readonly parentLog: Logger,
  ) {
    this.remoteAddress = socket.remoteAddress ?? 'unknown';
    this.remotePort = socket.remotePort ?? 0;
  }

  get log(): Logger {
    this.childLog ??= this.parentLog.child({ conn: this.id });
    return this.childLog;
  }
}

export function createConnectionContext(id: number, socket: Socket, parentLog: Logger): ConnectionContext {
  return new Connection(id, socket, parentLog);
}
