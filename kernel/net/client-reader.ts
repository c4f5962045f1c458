/**
 * Reads a client's first packets (handshake, status request, login start, or a pre-netty
 * message) before the connection turns into a raw relay. Everything received is also kept
 * verbatim, so the backend gets the client's exact bytes. The amount read this way is capped:
 * a client that sends more before login is malformed, and is cut off instead of buffered. What
 * it buffers is also accounted to the connection's PreRouteTicket (the global pre-route budget),
 * which `release()` ends.
 */
import type { Socket } from 'node:net';
import { FrameSplitter } from '../protocol/frame-splitter.ts';
import { InfrarustError } from '../errors.ts';
import type { TransportTap } from './transport-tap.ts';
import type { PreRouteTicket } from './pre-route-guard.ts';

/** The most a client may send before its connection is routed (a handshake + login is < 1 KiB). */
export const PRE_ROUTE_LIMIT = 64 * 1024;

export class ConnectionClosedError extends Error {
  constructor(message = 'client closed the connection') {
    super(message);
    this.name = 'ConnectionClosedError';
  }
}

export class ClientReader {
  private readonly received: Buffer[] = [];
  private receivedLength = 0;
  private readonly splitter = new FrameSplitter({ maxFrame: PRE_ROUTE_LIMIT });
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onData = (chunk: Buffer): void => this.receive(chunk);
  private readonly onEnd = (): void => this.fail(new ConnectionClosedError());
  private readonly onError = (err: Error): void => this.fail(err);

  constructor(
    private readonly socket: Socket,
    /** Transport filters see (and may change or refuse) the client's bytes before routing too. */
    private readonly tap?: TransportTap,
    /** The connection's share of the pre-route limits; ended by `release()`. */
    private readonly ticket?: PreRouteTicket,
  ) {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
  }

  /** Everything the client has sent so far, byte for byte. */
  bytes(): Buffer {
    if (this.received.length > 1) {
      const joined = Buffer.concat(this.received, this.receivedLength);
      this.received.length = 0;
      this.received.push(joined);
    }
    return this.received[0] ?? Buffer.alloc(0);
  }

  get length(): number {
    return this.receivedLength;
  }

  /** The next complete packet (id + body), waiting at most `timeoutMs`. */
  async nextPacket(timeoutMs: number): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const packet = this.splitter.next();
      if (packet !== null) return packet;
      await this.waitForData(deadline - Date.now());
    }
  }

  /** Resolves when more bytes arrive; rejects on close, error or timeout. */
  waitForData(timeoutMs: number): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        reject(new InfrarustError('IR_ERR_CONN_HANDSHAKE_TIMEOUT', `no data from the client within ${timeoutMs} ms`));
      }, Math.max(0, timeoutMs));
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        if (this.failure !== undefined) reject(this.failure);
        else resolve();
      };
    });
  }

  /**
   * Stops taking bytes off the socket (TCP backpressure holds the rest in the kernel) while the
   * proxy is busy elsewhere, e.g. dialling the backend after Login Start.
   */
  hold(): void {
    this.socket.pause();
  }

  /** Stops reading for good: removes the listeners, pauses the socket, returns all bytes received. */
  release(): Buffer {
    const socket = this.socket;
    socket.pause();
    socket.removeListener('data', this.onData);
    socket.removeListener('end', this.onEnd);
    socket.removeListener('close', this.onEnd);
    socket.removeListener('error', this.onError);
    const all = this.bytes();
    this.received.length = 0;
    this.ticket?.end();
    return all;
  }

  /**
   * Stops reading for good, like release(), but returns only the bytes not yet read as packets:
   * an intercepted session takes the stream over after Login Start and replays nothing.
   */
  handOver(): Buffer {
    this.release();
    return this.splitter.takeRemainder();
  }

  private receive(raw: Buffer): void {
    const chunk = this.tap === undefined ? raw : this.tap.clientData(raw);
    if (chunk === null) {
      this.fail(new InfrarustError('IR_ERR_CONN_TRANSPORT_REJECTED', 'a transport filter rejected the client\'s bytes'));
      this.socket.destroy();
      return;
    }
    this.receivedLength += chunk.length;
    if (this.receivedLength > PRE_ROUTE_LIMIT) {
      // Never drop bytes and carry on: the connection is unusable once anything is lost.
      this.fail(new InfrarustError('IR_ERR_PROTO_FRAME_TOO_BIG', `client sent over ${PRE_ROUTE_LIMIT} bytes before being routed`));
      this.socket.destroy();
      return;
    }
    if (this.ticket !== undefined && !this.ticket.take(chunk.length)) {
      this.fail(new InfrarustError('IR_ERR_CONN_PRE_ROUTE_BUDGET', 'pre_route_memory_mb is used up: closed a connection that sent more than a handshake before being routed'));
      this.socket.destroy();
      return;
    }
    this.received.push(chunk);
    this.splitter.push(chunk);
    this.wake?.();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.wake?.();
  }
}
