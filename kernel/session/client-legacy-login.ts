/**
 * Pre-netty logins (0x02, Minecraft ≤ 1.6): route by the host the client sends, then pipe the
 * connection through unchanged. Unknown hosts and dead backends get a legacy 0xFF kick.
 */
import { connectTimeout } from '../config/index.ts';
import type { ClientReader } from '../net/client-reader.ts';
import { withProxyHeader } from '../net/proxy-header.ts';
import { dialAndRelay, type Replay } from '../net/relay-select.ts';
import { dataTap } from '../net/transport-tap.ts';
import { parseLegacyLoginHandshake, type LegacyLogin } from '../protocol/legacy-login.ts';
import { encodeLegacyKick } from '../protocol/legacy-ping.ts';
import { stripLegacy } from '../../sdk/text.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { LegacyDeps } from './deps.ts';
import { connectionRef } from './event-refs.ts';
import { handshakeGate } from './gates.ts';
import { HANDSHAKE_TIMEOUT_MS } from './timeouts.ts';

async function readLegacyLogin(reader: ClientReader): Promise<LegacyLogin> {
  const deadline = Date.now() + HANDSHAKE_TIMEOUT_MS;
  for (;;) {
    const parsed = parseLegacyLoginHandshake(reader.bytes());
    if (parsed !== 'incomplete') return parsed;
    await reader.waitForData(deadline - Date.now());
  }
}

export async function relayLegacyLogin(ctx: ConnectionContext, reader: ClientReader, deps: LegacyDeps): Promise<void> {
  const login = await readLegacyLogin(reader);
  reader.hold();
  const host = login.host.toLowerCase();
  ctx.phase = 'login';
  ctx.username = login.username;
  ctx.handshake = { protocolVersion: login.protocol ?? 0, rawAddress: login.host, host, port: login.port, intent: 'legacy-login' };
  const server = deps.routes().resolve(host);
  ctx.serverId = server?.id;
  const gate = await handshakeGate(ctx, deps.events);
  if (gate.type !== 'allow') {
    deps.events.notify('ConnectionRejected', () => ({ conn: connectionRef(ctx), reason: 'plugin-denied' }));
    reader.release();
    if (gate.type === 'drop') return void ctx.socket.destroy();
    return void ctx.socket.end(encodeLegacyKick(stripLegacy(gate.reason)));
  }
  if (server === undefined) {
    deps.events.notify('ConnectionRejected', () => ({ conn: connectionRef(ctx), reason: 'unknown-domain' }));
    reader.release();
    if (deps.config().unknown_domain_behavior === 'drop') return void ctx.socket.destroy();
    return void ctx.socket.end(encodeLegacyKick('There is no server at this address.'));
  }
  ctx.serverId = server.id;
  const bytes = reader.release();
  const replay: Replay = Object.assign(() => withProxyHeader(ctx, server, bytes), { sameForAll: true });
  const dial = deps.backends.dial(server);
  try {
    const onFailure = (address: { host: string; port: number }, cause: unknown): void => {
      if (!ctx.socket.destroyed) dial.failed(address, cause);
    };
    const connected = await dialAndRelay(ctx.socket, dial.addresses, { timeoutMs: connectTimeout(server, deps.config()), client: ctx.socket, onFailure }, replay, dataTap(ctx.transport));
    dial.connected(connected.address, ctx.socket);
  } catch {
    if (ctx.socket.destroyed || ctx.socket.writableEnded) return;
    deps.events.notify('ConnectionRejected', () => ({ conn: connectionRef(ctx), reason: 'backend-unreachable' }));
    return void ctx.socket.end(encodeLegacyKick(stripLegacy(server.disconnect_message)));
  }
  ctx.phase = 'relay';
  deps.log.info({ conn: ctx.id, player: login.username, server: server.id, legacy: true }, 'player connected');
}
