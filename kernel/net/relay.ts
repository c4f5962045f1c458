/**
 * The passthrough relay: bytes both ways with backpressure, nothing parsed. (Node's pipe()
 * measured the same CPU per GiB here but costs ~1.5 KB more per idle connection.) Half-close is kept:
 * a FIN from one side becomes a FIN to the other while the opposite direction keeps flowing
 * (both sockets are opened with allowHalfOpen). A pair still half-open after LINGER_MS is
 * destroyed, and an error on either side destroys both. Listeners are plain named functions:
 * no stream pipeline objects, so an idle relayed connection costs little more than its sockets.
 * The reference for the native splice relay (native-relay.ts), which keeps the same rules and is
 * used instead when it is loaded and the connection has no transport data hook (relay-select.ts).
 */
import type { Socket } from 'node:net';
import type { TransportTap } from './transport-tap.ts';
import { countJsRelay } from './relay-bytes.ts';

/** How long one direction may stay open after the other finished. */
const LINGER_MS = 30_000;

/** Passes a chunk through transport filters: the bytes to send, or null to close both sides. */
type ChunkFilter = (chunk: Buffer) => Buffer | null;

export function relay(client: Socket, backend: Socket, tap?: TransportTap): void {
  countJsRelay(backend); // bytes come from the socket's own counters: nothing per chunk
  forward(client, backend, tap === undefined ? undefined : (c) => tap.clientData(c));
  forward(backend, client, tap === undefined ? undefined : (c) => tap.serverData(c));
}

function forward(from: Socket, to: Socket, filter: ChunkFilter | undefined): void {
  if (from.readableEnded) to.end(); // the FIN came before the relay started (e.g. while dialling)
  from.on('data', function relayData(chunk: Buffer) {
    const out = filter === undefined ? chunk : filter(chunk);
    if (out === null) {
      from.destroy();
      to.destroy();
      return;
    }
    if (!to.write(out)) from.pause();
  });
  to.on('drain', function relayDrain() {
    if (from.isPaused()) from.resume();
  });
  from.once('end', function relayEnd() {
    if (!to.writableEnded) to.end();
    if (!to.readableEnded) lingerBound(from, to);
  });
  from.once('close', function relayClose(hadError: boolean) {
    if (hadError) to.destroy();
    else if (!to.writableEnded) to.end();
  });
  from.on('error', function relayError() {
    to.destroy();
  });
}

/** One direction finished while the other still flows: bound how long that may last. */
function lingerBound(from: Socket, to: Socket): void {
  const timer = setTimeout(function relayLinger() {
    from.destroy();
    to.destroy();
  }, LINGER_MS).unref();
  to.once('close', () => clearTimeout(timer));
}
