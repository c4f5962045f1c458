/**
 * Joining a server when the player has no backend right now: a backend kicked them (or its
 * connection was lost) and a fallback is tried, or they leave the proxy's limbo world. The new
 * backend logs the player in, then the client is handed over (backend-handover.ts) from wherever
 * it is: the old server's world, the limbo world, or still in configuration (1.20.2+).
 */
import type { LoadedServer } from '../config/index.ts';
import { isInfrarustError } from '../errors.ts';
import { encodeDisconnect } from '../protocol/packets/disconnect.ts';
import { PV } from '../protocol/packets/protocol-versions.ts';
import { BackendRefused, backendLogin, type BackendLogin } from './backend-login.ts';
import { handOver, type HandOver } from './backend-handover.ts';
import type { InterceptedSession } from './intercepted-relay.ts';

export type JoinResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'denied' | 'unreachable' | 'closed'; readonly message: string; readonly playerReason: string };

/**
 * Logs the session's player in to `target` and moves the client there. `inWorld`: the client
 * shows the limbo world (nothing of an old backend to clear). On failure the client is where it
 * was (`closed`: the session ended).
 * @example const r = await joinDetached(session, lobby, { inWorld: false, line: 'player sent to a fallback server' });
 */
export async function joinDetached(session: InterceptedSession, target: LoadedServer, options: { inWorld: boolean; line: string }): Promise<JoinResult> {
  const { ctx, deps, channel, client, protocol } = session;
  let login: BackendLogin;
  try {
    login = await backendLogin(ctx, target, client, session.identity.profile, deps, false);
  } catch (err) {
    if (err instanceof BackendRefused) {
      ctx.log.info({ player: session.identity.profile.name, server: target.id }, 'backend refused the player');
      return { ok: false, code: 'denied', message: `server "${target.id}" refused the player`, playerReason: reasonText(err.reasonJson, target.id) };
    }
    const code = isInfrarustError(err) ? err.code : (err as NodeJS.ErrnoException)?.code;
    ctx.log.info({ player: session.identity.profile.name, server: target.id, code, reason: (err as Error)?.message }, 'backend unreachable');
    return { ok: false, code: 'unreachable', message: `server "${target.id}" could not be reached`, playerReason: `§cCould not connect to ${target.id}: the server is not reachable.` };
  }
  if (channel.closed || client.failed !== undefined || client.socket.destroyed) {
    login.backend.socket.destroy();
    return { ok: false, code: 'closed', message: 'the player left', playerReason: '' };
  }
  let start: HandOver;
  try {
    const inConfiguration = channel.clientState === 'configuration';
    if (protocol >= PV.V1_20_2) channel.clientState = 'configuration';
    start = await handOver(client, protocol, login, undefined, options.inWorld ? [] : (session.leftovers?.clear() ?? []), inConfiguration);
  } catch (err) {
    login.backend.socket.destroy();
    ctx.log.debug({ server: target.id, reason: (err as Error).message }, 'moving the client to the new server failed');
    channel.close(encodeDisconnect(protocol, channel.clientState, '§cCould not connect you to a server.'));
    return { ok: false, code: 'closed', message: `the move failed: ${(err as Error).message}`, playerReason: '' };
  }
  session.attach(target, login, start.state, start.hooks);
  session.announce(target, login, options.line);
  return { ok: true };
}

/** A backend's login refusal (JSON reason) as the chat line the player gets. */
export function reasonText(json: string, serverId: string): string {
  try {
    const parsed = JSON.parse(json) as unknown;
    const text = typeof parsed === 'string' ? parsed : (parsed as { text?: string }).text;
    if (typeof text === 'string' && text !== '') return `§cCould not connect to ${serverId}: ${text}`;
  } catch {
    // not JSON: fall through
  }
  return `§cCould not connect to ${serverId}.`;
}
