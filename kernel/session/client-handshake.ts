/**
 * The client's handshake: read it, route by its host, and ask ConnectionHandshake listeners
 * (after routing, so they know the server). A refusal ends the connection here: a login hears
 * the reason, anything else is closed.
 */
import type { LoadedServer } from '../config/index.ts';
import type { ClientReader } from '../net/client-reader.ts';
import { decodeHandshake, handshakeInfo } from '../protocol/packets/handshake.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { HandshakeDeps } from './deps.ts';
import { connectionRef } from './event-refs.ts';
import { handshakeGate } from './gates.ts';
import { closeSilently, rejectLogin } from './disconnect.ts';
import { HANDSHAKE_TIMEOUT_MS } from './timeouts.ts';

/** Where the handshake led: the routed server, absent for an unknown domain. */
export interface Routed {
  server: LoadedServer | undefined;
}

/** Resolves undefined when a plugin refused the connection (already ended). */
export async function clientHandshake(ctx: ConnectionContext, reader: ClientReader, deps: HandshakeDeps): Promise<Routed | undefined> {
  ctx.phase = 'handshake';
  const packet = await reader.nextPacket(HANDSHAKE_TIMEOUT_MS - (Date.now() - ctx.startedAt));
  const hs = (ctx.handshake = handshakeInfo(decodeHandshake(packet)));
  const server = deps.routes().resolve(hs.host);
  ctx.serverId = server?.id;
  const asked = handshakeGate(ctx, deps.events);
  const gate = asked instanceof Promise ? await asked : asked;
  if (gate.type === 'allow') return { server };
  deps.events.notify('ConnectionRejected', () => ({ conn: connectionRef(ctx), reason: 'plugin-denied' }));
  if (gate.type === 'deny' && hs.intent !== 'status') rejectLogin(ctx, reader, gate.reason);
  else closeSilently(ctx, reader);
  return undefined;
}

/** A login for a domain no server claims: a kick with a reason, or silence with `drop`. */
export function rejectUnknownLogin(ctx: ConnectionContext, reader: ClientReader, deps: Pick<HandshakeDeps, 'config' | 'events'>): void {
  deps.events.notify('ConnectionRejected', () => ({ conn: connectionRef(ctx), reason: 'unknown-domain' }));
  ctx.log.debug({ domain: ctx.handshake?.host }, 'login for an unknown domain');
  if (deps.config().unknown_domain_behavior === 'drop') return closeSilently(ctx, reader);
  rejectLogin(ctx, reader, '§cThere is no server at this address.');
}
