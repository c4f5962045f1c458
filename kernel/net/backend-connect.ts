/**
 * Opens a TCP connection to the first backend address that answers. Addresses are tried in
 * order, each within `timeoutMs` (this is the failover mechanism); the attempt stops early if
 * the client goes away.
 */
import { connect, type Socket } from 'node:net';
import { InfrarustError } from '../errors.ts';

export interface BackendAddress {
  host: string;
  port: number;
}

export interface ConnectOptions {
  timeoutMs: number;
  /** The client socket: when it closes, the attempt stops (cheaper than an AbortSignal per connection). */
  client?: Socket;
  keepAliveMs?: number;
  /** Called for each failed address, for logging. */
  onFailure?: (address: BackendAddress, cause: unknown) => void;
}

export async function connectToBackend(
  addresses: readonly BackendAddress[],
  options: ConnectOptions,
): Promise<{ socket: Socket; address: BackendAddress }> {
  const causes: string[] = [];
  for (const address of addresses) {
    if (options.client?.destroyed === true) break;
    try {
      const socket = await connectOne(address, options);
      return { socket, address };
    } catch (cause) {
      causes.push(`${address.host}:${address.port} (${(cause as Error).message})`);
      options.onFailure?.(address, cause);
    }
  }
  throw new InfrarustError(
    'IR_ERR_BACKEND_UNREACHABLE',
    `no backend answered: ${causes.join(', ') || 'no address configured'}`,
  );
}

function connectOne(address: BackendAddress, options: ConnectOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address.host, port: address.port, noDelay: true, allowHalfOpen: true });
    const timer = setTimeout(() => fail(new Error(`timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
    const onAbort = (): void => fail(new Error('client left'));
    options.client?.once('close', onAbort);
    function cleanup(): void {
      clearTimeout(timer);
      options.client?.removeListener('close', onAbort);
      socket.removeListener('error', fail);
      socket.removeListener('connect', onConnect);
    }
    function fail(err: Error): void {
      cleanup();
      socket.destroy();
      reject(err);
    }
    function onConnect(): void {
      cleanup();
      if (options.keepAliveMs !== undefined) socket.setKeepAlive(true, options.keepAliveMs);
      resolve(socket);
    }
    socket.once('error', fail);
    socket.once('connect', onConnect);
  });
}
