/**
 * One connection from accept to relay: sniff the first byte (pre-netty or modern), read the
 * handshake, route by domain, then serve status or hand over to the login path. Any error ends
 * this connection only, quietly: one debug line, never a stack trace at info level.
 */
import type { ProxyConfig, LoadedServer } from '../config/index.ts';
import type { RoutingTable } from '../routing/router.ts';
import type { StatusService } from '../status/status-service.ts';
import type { KernelEmitter } from '../lifecycle/kernel-events.ts';
import type { Logger } from '../log/logger.ts';
import type { PluginLayers } from '../plugin-system/host/layers.ts';
import { handshakeGate } from './plugin-hooks.ts';
import type { ConnectionContext, HandshakeInfo, Intent } from './connection-context.ts';
import { ClientReader, ConnectionClosedError } from './client-reader.ts';
import { decodeHandshake, splitForgeMarker } from '../protocol/packets/handshake.ts';
import { HANDSHAKE_TIMEOUT_MS } from './timeouts.ts';
import { serveStatus } from './client-status.ts';
import { passthroughLogin, rejectLogin } from './client-login.ts';
import { readLegacyPing, serveLegacyPing } from './legacy-ping.ts';
import { relayLegacyLogin } from './legacy-login.ts';
import { isInfrarustError } from '../errors.ts';
import { dataTap } from './transport-tap.ts';

/** What the connection phases need from the proxy: narrow on purpose (testable, swappable). */
export interface ConnectionDeps {
  readonly config: () => ProxyConfig;
  readonly routes: () => RoutingTable<LoadedServer>;
  readonly status: StatusService;
  readonly events: KernelEmitter;
  /** The proxy's logger, for happy-path lines that should not create a per-connection child. */
  readonly log: Logger;
  /** The plugin layers (events, filters, registries). */
  readonly plugins: PluginLayers;
  /** A server by id (for ServerPreConnect's ConnectTo). */
  readonly serverById: (id: string) => LoadedServer | undefined;
}

const INTENTS: Record<number, Intent> = { 1: 'status', 2: 'login', 3: 'transfer' };

export async function handleConnection(ctx: ConnectionContext, deps: ConnectionDeps): Promise<void> {
  const reader = new ClientReader(ctx.socket, dataTap(ctx.transport));
  try {
    await reader.waitForData(HANDSHAKE_TIMEOUT_MS);
    const first = reader.bytes()[0];
    if (first === 0xfe) {
      const ping = await readLegacyPing(reader);
      if (ping !== null) return await serveLegacyPing(ctx, reader, ping, deps);
    }
    if (first === 0x02) return await relayLegacyLogin(ctx, reader, deps);
    ctx.phase = 'handshake';
    const packet = await reader.nextPacket(HANDSHAKE_TIMEOUT_MS - (Date.now() - ctx.startedAt));
    ctx.handshake = toHandshakeInfo(decodeHandshake(packet));
    deps.events.emit('connection.handshake', ctx);
    const server = deps.routes().resolve(ctx.handshake.host);
    if (server !== undefined) {
      ctx.serverId = server.id;
      deps.events.emit('connection.routed', ctx);
    }
    const asked = handshakeGate(ctx, deps.plugins.events);
    const gate = asked instanceof Promise ? await asked : asked;
    if (gate.type !== 'allow') return refuseHandshake(ctx, reader, deps, gate.type === 'deny' ? gate.reason : undefined);
    if (ctx.handshake.intent === 'status') return await serveStatus(ctx, reader, server, deps);
    if (server === undefined) return await rejectUnknownLogin(ctx, reader, deps);
    return await passthroughLogin(ctx, reader, server, deps);
  } catch (err) {
    endQuietly(ctx, reader, err);
  }
}

function toHandshakeInfo(hs: ReturnType<typeof decodeHandshake>): HandshakeInfo {
  return {
    protocolVersion: hs.protocolVersion,
    rawAddress: hs.address,
    host: splitForgeMarker(hs.address).host,
    port: hs.port,
    intent: INTENTS[hs.nextState],
  };
}

async function rejectUnknownLogin(ctx: ConnectionContext, reader: ClientReader, deps: ConnectionDeps): Promise<void> {
  deps.events.emit('connection.rejected', { conn: ctx, reason: 'unknown-domain' });
  ctx.log.debug({ domain: ctx.handshake?.host }, 'login for an unknown domain');
  if (deps.config().unknown_domain_behavior === 'drop') {
    reader.release();
    ctx.socket.destroy();
    return;
  }
  rejectLogin(ctx, reader, '§cThere is no server at this address.');
}

/** A ConnectionHandshake listener said no: a login gets the reason, anything else just closes. */
function refuseHandshake(ctx: ConnectionContext, reader: ClientReader, deps: ConnectionDeps, reason: string | undefined): void {
  deps.events.emit('connection.rejected', { conn: ctx, reason: 'plugin-denied' });
  if (reason !== undefined && ctx.handshake?.intent !== 'status') return rejectLogin(ctx, reader, reason);
  reader.release();
  ctx.socket.destroy();
}

/** Ends a connection after a protocol error, timeout or early close, without disturbing anyone. */
export function endQuietly(ctx: ConnectionContext, reader: ClientReader | undefined, err: unknown): void {
  reader?.release();
  ctx.socket.destroy();
  if (err instanceof ConnectionClosedError) return;
  const code = isInfrarustError(err) ? err.code : undefined;
  ctx.log.debug({ code, err: code === undefined ? err : undefined, reason: (err as Error)?.message }, 'connection ended');
}
