/** The ways a session ends before the relay: a login kick with a reason, a silent close, a quiet error. */
import { encodeLoginDisconnect } from '../protocol/packets/login.ts';
import { legacyToJson } from '../../sdk/text.ts';
import { ConnectionClosedError, type ClientReader } from '../net/client-reader.ts';
import { isInfrarustError } from '../errors.ts';
import type { ConnectionContext } from './connection-context.ts';

/** Sends a Login Disconnect with a legacy-formatted reason and closes once it is flushed. */
export function rejectLogin(ctx: ConnectionContext, reader: ClientReader, reason: string): void {
  reader.release();
  ctx.socket.end(encodeLoginDisconnect(legacyToJson(reason)));
  ctx.socket.setTimeout(5_000, () => ctx.socket.destroy());
}

/** Closes without a word (drop-silently, unknown domain with `drop`, a refused ping). */
export function closeSilently(ctx: ConnectionContext, reader: ClientReader): void {
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
