/**
 * Bytes moved by passthrough relays, for `ProxyApi.stats()`, at no per-chunk cost: a JS relay's
 * backend socket already counts what it read and wrote (`bytesRead`, `bytesWritten`), so live
 * relays are summed when asked and a closed one adds its counts once; native (splice) relays
 * report their totals when they end (native-relay.ts), which are added as they are.
 * Process-wide, as the native addon is.
 */
import type { Socket } from 'node:net';
import { nativeRelayStats } from './native-relay.ts';

const live = new Set<Socket>();
const closed = { up: 0, down: 0, ended: 0 };

/** Counts a JS relay's backend socket from now until it closes (relay.ts calls it once per relay). */
export function countJsRelay(backend: Socket): void {
  live.add(backend);
  backend.once('close', function relayCounted() {
    live.delete(backend);
    closed.up += backend.bytesWritten;
    closed.down += backend.bytesRead;
    closed.ended++;
  });
}

/** Bytes client → backend (`bytesUp`, replayed handshake included) and back, JS and native relays. */
export function relayBytes(): { bytesUp: number; bytesDown: number; ended: number } {
  const native = nativeRelayStats();
  let up = closed.up + native.up;
  let down = closed.down + native.down;
  for (const s of live) {
    up += s.bytesWritten;
    down += s.bytesRead;
  }
  return { bytesUp: up, bytesDown: down, ended: closed.ended + native.relays };
}
