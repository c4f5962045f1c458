/**
 * Asks a backend for its server-list status the way a client would: handshake (next state 1)
 * with the given protocol version (the era's probe, see protocol-eras.ts) and the client's
 * address, status request, then read the JSON answer.
 */
import type { Socket } from 'node:net';
import { connectToBackend, type BackendAddress } from '../net/backend-connect.ts';
import { FrameSplitter } from '../protocol/frame-splitter.ts';
import { encodeHandshake } from '../protocol/packets/handshake.ts';
import { decodeStatusResponse, encodeStatusRequest } from '../protocol/packets/status.ts';
import { InfrarustError } from '../errors.ts';

export interface StatusFetchRequest {
  addresses: readonly BackendAddress[];
  protocolVersion: number;
  /** The address to put in the handshake (the client's, possibly rewritten). */
  address: string;
  port: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  /** Sent before the handshake: a PROXY header for a `send_proxy_protocol` backend. */
  proxyHeader?: Buffer;
}

export async function fetchBackendStatus(req: StatusFetchRequest): Promise<string> {
  const { socket } = await connectToBackend(req.addresses, { timeoutMs: req.connectTimeoutMs });
  try {
    if (req.proxyHeader !== undefined) socket.write(req.proxyHeader);
    socket.write(encodeHandshake({ protocolVersion: req.protocolVersion, address: req.address, port: req.port, nextState: 1 }));
    socket.write(encodeStatusRequest());
    const packet = await readOnePacket(socket, req.readTimeoutMs);
    return decodeStatusResponse(packet);
  } finally {
    socket.destroy();
  }
}

function readOnePacket(socket: Socket, timeoutMs: number): Promise<Buffer> {
  const splitter = new FrameSplitter();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`backend sent no status within ${timeoutMs} ms`)), timeoutMs);
    function done(err: Error | null, packet?: Buffer): void {
      clearTimeout(timer);
      socket.removeAllListeners('data');
      socket.removeListener('close', onClose);
      socket.removeListener('error', done);
      if (err !== null) reject(err);
      else resolve(packet!);
    }
    function onClose(): void {
      done(new InfrarustError('IR_ERR_PROTO_TRUNCATED', 'backend closed before answering the status request'));
    }
    socket.on('data', (chunk: Buffer) => {
      splitter.push(chunk);
      try {
        const packet = splitter.next();
        if (packet !== null) done(null, packet);
      } catch (err) {
        done(err as Error);
      }
    });
    socket.once('close', onClose);
    socket.once('error', done);
  });
}
