/**
 * The passthrough relay: bytes both ways with backpressure, nothing parsed. When one side
 * ends, the other is ended after its pending writes flush; an error on either side destroys
 * both. Listeners are plain functions on the sockets: no stream pipeline objects, so an idle
 * relayed connection costs little more than its two sockets.
 */
import type { Socket } from 'node:net';

/** How long a half-closed pair may linger flushing before it is destroyed. */
const LINGER_MS = 10_000;

export function relay(client: Socket, backend: Socket): void {
  forward(client, backend);
  forward(backend, client);
}

function forward(from: Socket, to: Socket): void {
  from.on('data', function relayData(chunk: Buffer) {
    if (!to.write(chunk)) from.pause();
  });
  to.on('drain', function relayDrain() {
    from.resume();
  });
  from.once('end', function relayEnd() {
    to.end();
  });
  from.once('close', function relayClose() {
    if (to.destroyed) return;
    to.end();
    setTimeout(() => to.destroy(), LINGER_MS).unref();
  });
  from.on('error', function relayError() {
    to.destroy();
  });
}
