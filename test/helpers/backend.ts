/**
 * A real Minecraft backend for tests: minecraft-protocol's server (offline or online mode) on
 * 127.0.0.1 with its own MOTD. It records who joined and sends the play login packet, so a
 * client that joins through the proxy reaches the play state for real.
 */
import mc from 'minecraft-protocol';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Agent } from 'node:https';
import type { EventEmitter } from 'node:events';

const require = createRequire(import.meta.url);

export interface Backend {
  port: number;
  joined: string[];
  /** Handshake hosts seen by the backend ("serverHost" as the backend parsed it). */
  hosts: string[];
  /** Socket errors of its player connections (resets when a player vanishes). */
  errors: string[];
  server: mc.Server;
  close(): Promise<void>;
}

export interface BackendOptions {
  version: string;
  motd?: string;
  maxPlayers?: number;
  /** Listen on this port (default: any free one). */
  port?: number;
  onlineMode?: boolean;
  /** For online mode: an agent whose connections reach the fake session server. */
  agent?: Agent;
}

export async function startBackend(options: BackendOptions): Promise<Backend> {
  const server = mc.createServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    version: options.version,
    motd: options.motd ?? 'backend',
    maxPlayers: options.maxPlayers ?? 20,
    'online-mode': options.onlineMode ?? false,
    agent: options.agent,
    validateChannelProtocol: false,
    hideErrors: true,
  } as mc.ServerOptions);
  const joined: string[] = [];
  const hosts: string[] = [];
  const errors: string[] = [];
  const mcData = require('minecraft-data')(options.version);
  (server as unknown as EventEmitter).on('connection', (client: EventEmitter) => {
    client.on('set_protocol', (packet: { serverHost: string }) => hosts.push(packet.serverHost));
    // A player leaving abruptly resets the connection; a real server logs that and carries on.
    client.on('error', (err: Error) => errors.push(err.message));
  });
  server.on('playerJoin', (client: mc.ServerClient) => {
    joined.push(client.username);
    client.write('login', loginPacket(mcData, client));
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = ((server as unknown as { socketServer: { address(): AddressInfo } }).socketServer.address()).port;
  return {
    port,
    joined,
    hosts,
    errors,
    server,
    close: () => new Promise<void>((resolve) => {
      (server as unknown as EventEmitter).once('close', () => resolve());
      server.close();
    }),
  };
}

/** The play login packet: minecraft-data's own for 1.16+, the pre-1.16 field set otherwise. */
function loginPacket(mcData: { loginPacket?: object; version: { version: number } }, client: mc.ServerClient): object {
  if (mcData.loginPacket !== undefined) return mcData.loginPacket;
  return {
    entityId: client.id,
    gameMode: 1,
    dimension: 0,
    difficulty: 2,
    maxPlayers: 20,
    levelType: 'default',
    reducedDebugInfo: false,
    viewDistance: 10,
    hashedSeed: [0, 0],
    enableRespawnScreen: true,
  };
}
