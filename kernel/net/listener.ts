/**
 * The TCP listener: accepts, applies socket options (TCP_NODELAY, keepalive) and the
 * `max_connections` cap, and hands each socket to the connection handler, synchronously, before
 * any byte is read (the handler applies the per-address cap there: net/pre-route-guard.ts).
 * Accept never waits on a connection's own I/O, so one slow client cannot stall the others.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { InfrarustError } from '../errors.ts';

export interface ListenerOptions {
  host: string;
  port: number;
  reusePort: boolean;
  keepAliveMs: number;
  maxConnections: () => number;
  activeConnections: () => number;
  onSocket: (socket: Socket) => void;
  onRejected: (socket: Socket, reason: 'max-connections') => void;
}

export function listen(options: ListenerOptions): Promise<Server> {
  const server = createServer({ allowHalfOpen: true, noDelay: true, keepAlive: true, keepAliveInitialDelay: options.keepAliveMs }, (socket) => {
    const max = options.maxConnections();
    if (max > 0 && options.activeConnections() >= max) {
      options.onRejected(socket, 'max-connections');
      socket.destroy();
      return;
    }
    options.onSocket(socket);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) => {
      reject(new InfrarustError('IR_ERR_NET_LISTEN', `cannot listen on ${options.host}:${options.port}: ${cause.code ?? cause.message}`, { cause }));
    });
    // `reusePort` exists from Node 22.12; older versions ignore unknown listen options.
    server.listen({ host: options.host, port: options.port, backlog: 1024, reusePort: options.reusePort } as object, () => {
      server.removeAllListeners('error');
      server.on('error', () => undefined);
      resolve(server);
    });
  });
}
