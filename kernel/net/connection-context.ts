/**
 * The connection context: one object per accepted socket that flows through the phases
 * (accept → handshake → route → status | login → relay) and carries what each phase learned.
 * Later layers (transport filters, events, limbo) read and extend it; nothing else about a
 * connection is global.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../log/logger.ts';

export type ConnectionPhase = 'accepted' | 'handshake' | 'status' | 'login' | 'relay' | 'closed';
export type Intent = 'status' | 'login' | 'transfer' | 'legacy-ping' | 'legacy-login';

export interface HandshakeInfo {
  protocolVersion: number;
  /** The address exactly as the client sent it (Forge markers included). */
  rawAddress: string;
  /** Lower-cased host with Forge/BungeeCord data and a trailing dot removed: what routing uses. */
  host: string;
  port: number;
  intent: Intent;
}

/** The read-only view handed to observers (and, later, plugins). */
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
  phase: ConnectionPhase;
  handshake?: HandshakeInfo;
  serverId?: string;
  username?: string;
  uuid?: string;
  readonly socket: Socket;
  readonly startedAt: number;
  /** The per-connection child logger (created on first use: idle relays never pay for it). */
  readonly log: Logger;
}

export function createConnectionContext(id: number, socket: Socket, parentLog: Logger): ConnectionContext {
  let log: Logger | undefined;
  return {
    id,
    socket,
    remoteAddress: socket.remoteAddress ?? 'unknown',
    remotePort: socket.remotePort ?? 0,
    phase: 'accepted',
    startedAt: Date.now(),
    get log(): Logger {
      log ??= parentLog.child({ conn: id });
      return log;
    },
  };
}
