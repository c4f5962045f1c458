/**
 * Pre-netty server-list pings (0xFE). A 1.6 ping names its host: route it, relay the ping raw
 * to the backend and return the backend's answer; if that fails, or for Beta/1.4 pings that name
 * no host, answer from the configured MOTD in the legacy format the client understands.
 */
import { connectTimeout, type LoadedServer } from '../config/index.ts';
import type { ClientReader } from '../net/client-reader.ts';
import { connectToBackend } from '../net/backend-connect.ts';
import { withProxyHeader } from '../net/proxy-header.ts';
import { parseLegacyPing, legacyPingReply, type LegacyPing } from '../protocol/legacy-ping.ts';
import { legacyFields } from '../status/motd.ts';
import { isInfrarustError } from '../errors.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { LegacyDeps } from './deps.ts';
import { handshakeGate } from './gates.ts';
import { closeSilently } from './disconnect.ts';
import { HANDSHAKE_TIMEOUT_MS, LEGACY_BACKEND_TIMEOUT_MS, LEGACY_SETTLE_MS } from './timeouts.ts';

/** Reads a legacy ping; returns null when the bytes turn out to be a modern frame after all. */
export async function readLegacyPing(reader: ClientReader): Promise<LegacyPing | null> {
  const deadline = Date.now() + HANDSHAKE_TIMEOUT_MS;
  for (;;) {
    const parsed = parseLegacyPing(reader.bytes());
    if (parsed !== 'incomplete') return parsed;
    try {
      await reader.waitForData(Math.min(LEGACY_SETTLE_MS, deadline - Date.now()));
    } catch (err) {
      if (!isInfrarustError(err, 'IR_ERR_CONN_HANDSHAKE_TIMEOUT')) throw err;
      const ended = parseLegacyPing(reader.bytes(), true);
      if (ended !== 'incomplete') return ended;
      throw err;
    }
  }
}

export async function serveLegacyPing(ctx: ConnectionContext, reader: ClientReader, ping: LegacyPing, deps: LegacyDeps): Promise<void> {
  ctx.phase = 'status';
  const host = ping.host?.toLowerCase() ?? '';
  ctx.handshake = { protocolVersion: ping.protocol ?? 0, rawAddress: host, host, port: ping.port ?? 0, intent: 'legacy-ping' };
  const server = host === '' ? undefined : deps.routes().resolve(host);
  ctx.serverId = server?.id;
  const gate = await handshakeGate(ctx, deps.events);
  if (gate.type !== 'allow' || (server === undefined && deps.config().unknown_domain_behavior === 'drop')) return closeSilently(ctx, reader);
  const raw = reader.release();
  if (server !== undefined) {
    ctx.serverId = server.id;
    const answer = await relayRawPing(server, withProxyHeader(ctx, server, raw), deps).catch(() => undefined);
    if (answer !== undefined) return void ctx.socket.end(answer);
  }
  const json = server === undefined
    ? deps.status.forUnknownDomain(127).json
    : (await deps.status.forServer(server, { ...ctx.handshake, protocolVersion: 127 })).json;
  const f = legacyFields(json);
  ctx.socket.end(legacyPingReply(ping.kind, { protocol: ping.protocol ?? 127, versionName: f.versionName, motd: f.motd, online: f.online, max: f.max }));
}

/** Sends the client's ping bytes (behind a PROXY header if the server wants one) to the backend and collects its 0xFF answer until it closes. */
async function relayRawPing(server: LoadedServer, raw: Buffer, deps: Pick<LegacyDeps, 'config'>): Promise<Buffer> {
  const { socket } = await connectToBackend(server.addresses, { timeoutMs: connectTimeout(server, deps.config()) });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => socket.destroy(new Error('legacy ping timed out')), LEGACY_BACKEND_TIMEOUT_MS);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      size += c.length;
      if (size > 4096) socket.destroy(new Error('legacy ping answer too long'));
    });
    socket.once('error', (err) => { clearTimeout(timer); reject(err); });
    socket.once('close', () => {
      clearTimeout(timer);
      const answer = Buffer.concat(chunks);
      if (answer.length > 3 && answer[0] === 0xff) resolve(answer);
      else reject(new Error('backend gave no legacy ping answer'));
    });
    socket.end(raw);
  });
}
