// One connection per call: the flood shapes (status, login) and the six malformed shapes.
import { connect, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { frame, mcString, preamble, readVarInt, varInt } from '../lib/mc.ts';
import type { Attempt, Outcome } from './stats.ts';

export const FLOOD_SHAPES = ['status', 'login'] as const;
export const MALFORMED_SHAPES = [
  'huge-hostname',
  'bogus-varint',
  'random-bytes',
  'early-close',
  'garbage-after-handshake',
  'slowloris',
] as const;
export type FloodShape = (typeof FLOOD_SHAPES)[number];
export type MalformedShape = (typeof MALFORMED_SHAPES)[number];
export type Shape = FloodShape | MalformedShape;

export interface Target {
  host: string;
  port: number;
  /** Local address to connect from. */
  source?: string;
  domain: string;
  protocol: number;
  timeoutMs: number;
  closeWithinMs: number;
  slowIntervalMs: number;
  /** Every socket is registered so that the run can destroy them all when it stops. */
  track(socket: Socket): void;
  stopped(): boolean;
}

const CONNECT_TIMEOUT_MS = 5_000;

export function handshake(t: Pick<Target, 'domain' | 'port' | 'protocol'>, nextState: number, domain = t.domain): Buffer {
  const port = Buffer.alloc(2);
  port.writeUInt16BE(t.port & 0xffff);
  return frame(0x00, varInt(t.protocol), mcString(domain), port, varInt(nextState));
}

let loginCounter = 0;

/** Runs one connection of `shape` against the target. Never rejects. */
export function runShape(shape: Shape, t: Target): Promise<Attempt> {
  switch (shape) {
    case 'status':
      return floodStatus(t);
    case 'login':
      return floodLogin(t);
    default:
      return malformed(shape, t);
  }
}

type Done = (o: Outcome) => void;

/**
 * Connects, then hands the socket to `drive`. The first `done` wins: it clears the timers,
 * destroys the socket and resolves. After the run stopped, anything unfinished is "aborted".
 */
function withSocket(shape: Shape, t: Target, deadlineMs: number, onDeadline: Outcome, drive: (s: Socket, done: Done) => void): Promise<Attempt> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = connect({ host: t.host, port: t.port, localAddress: t.source });
    socket.setNoDelay(true);
    t.track(socket);
    let connected = false;
    let finished = false;
    let deadline: NodeJS.Timeout | undefined;
    const connectTimer = setTimeout(() => done({ kind: 'connect-fail', reason: 'connect timeout' }), CONNECT_TIMEOUT_MS);
    const done: Done = (o) => {
      if (finished) return;
      finished = true;
      clearTimeout(connectTimer);
      if (deadline !== undefined) clearTimeout(deadline);
      socket.destroy();
      const outcome: Outcome = t.stopped() && o.kind !== 'ok' && o.kind !== 'connect-fail' ? { kind: 'aborted' } : o;
      resolve({ shape, outcome, latencyMs: performance.now() - started });
    };
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (!connected) done({ kind: 'connect-fail', reason: err.code ?? err.message });
    });
    socket.once('close', () => {
      if (!connected) done(t.stopped() ? { kind: 'aborted' } : { kind: 'connect-fail', reason: 'closed before connect' });
    });
    socket.once('connect', () => {
      connected = true;
      clearTimeout(connectTimer);
      if (t.stopped()) return done({ kind: 'aborted' });
      deadline = setTimeout(() => done(onDeadline), deadlineMs);
      drive(socket, done);
    });
  });
}

/** Handshake (next state 1) + status request + ping; success when the pong frame arrives. */
function floodStatus(t: Target): Promise<Attempt> {
  return withSocket('status', t, t.timeoutMs, { kind: 'error', reason: 'timeout' }, (socket, done) => {
    const frames = new FrameScanner();
    socket.on('data', (chunk: Buffer) => {
      let ids: number[];
      try {
        ids = frames.push(chunk);
      } catch (err) {
        return done({ kind: 'error', reason: (err as Error).message });
      }
      if (ids.includes(0x01)) done({ kind: 'ok', bytesIn: frames.bytesIn });
    });
    socket.on('error', (err: NodeJS.ErrnoException) => done({ kind: 'error', reason: err.code ?? err.message }));
    socket.on('close', () => done({ kind: 'error', reason: 'closed before the pong' }));
    const pingPayload = Buffer.alloc(8);
    pingPayload.writeBigInt64BE(BigInt(Date.now()));
    socket.write(Buffer.concat([handshake(t, 1), frame(0x00), frame(0x01, pingPayload)]));
  });
}

/** Handshake (next state 2) + Login Start; success = any answer (Login Disconnect included). */
function floodLogin(t: Target): Promise<Attempt> {
  return withSocket('login', t, t.timeoutMs, { kind: 'error', reason: 'timeout' }, (socket, done) => {
    socket.on('data', (chunk: Buffer) => done({ kind: 'ok', bytesIn: chunk.length }));
    socket.on('error', (err: NodeJS.ErrnoException) => done({ kind: 'error', reason: err.code ?? err.message }));
    socket.on('close', () => done({ kind: 'error', reason: 'closed without an answer' }));
    const name = `stress${(loginCounter++ % 1_000_000).toString()}`;
    const hs = handshake(t, 2);
    const login = preamble({ name, host: t.domain, port: t.port, protocol: t.protocol }).subarray(hs.length);
    socket.write(Buffer.concat([hs, login]));
  });
}

/**
 * A malformed connection: success = the proxy closed it (FIN or reset) within closeWithinMs.
 * Past the bound it is an error ("stayed open"). For huge-hostname and bogus-varint any answer
 * also counts as an error: those bytes can never be a valid handshake.
 */
function malformed(shape: MalformedShape, t: Target): Promise<Attempt> {
  return withSocket(shape, t, t.closeWithinMs, { kind: 'error', reason: 'stayed open' }, (socket, done) => {
    let bytesIn = 0;
    let trickle: NodeJS.Timeout | undefined;
    const closed = (): void => {
      if (trickle !== undefined) clearInterval(trickle);
      // The run destroys what is still open when it stops: that close is ours, not the proxy's.
      if (t.stopped()) return done({ kind: 'aborted' });
      if (bytesIn > 0 && (shape === 'huge-hostname' || shape === 'bogus-varint')) {
        return done({ kind: 'error', reason: 'accepted garbage (answered)', bytesIn });
      }
      done({ kind: 'ok', bytesIn });
    };
    socket.on('data', (chunk: Buffer) => {
      bytesIn += chunk.length;
    });
    socket.on('error', () => undefined);
    socket.on('close', closed);
    const write = (b: Buffer): void => {
      if (!socket.destroyed) socket.write(b, () => undefined);
    };
    switch (shape) {
      case 'huge-hostname':
        // A 32,767-char address (the protocol's maximum string), far over any sane bound.
        write(handshake(t, 2, 'a'.repeat(32_767)));
        break;
      case 'bogus-varint':
        // A length VarInt that never ends: five bytes with the continuation bit set.
        write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x00]));
        break;
      case 'random-bytes':
        write(randomBytes(64 + Math.floor(Math.random() * 2048)));
        break;
      case 'early-close': {
        const hs = handshake(t, 2);
        write(hs.subarray(0, Math.max(1, hs.length >> 1)));
        socket.end();
        break;
      }
      case 'garbage-after-handshake':
        write(Buffer.concat([handshake(t, 2), randomBytes(64 + Math.floor(Math.random() * 2048))]));
        break;
      case 'slowloris': {
        // A well-formed handshake with a long (but legal) address, one byte at a time: it would
        // take minutes to complete, so only a handshake deadline ends it.
        const bytes = handshake(t, 2, `${'s'.repeat(250)}.${t.domain}`.slice(0, 255));
        let i = 0;
        trickle = setInterval(() => {
          if (i >= bytes.length) return clearInterval(trickle);
          write(bytes.subarray(i, i + 1));
          i++;
        }, t.slowIntervalMs);
        write(bytes.subarray(0, 1));
        i = 1;
        break;
      }
    }
  });
}

/** Splits the proxy's byte stream into frames and returns the packet ids of the complete ones. */
export class FrameScanner {
  private buf: Buffer = Buffer.alloc(0);
  bytesIn = 0;

  constructor(private readonly maxFrame = 1 << 21) {}

  push(chunk: Buffer): number[] {
    this.bytesIn += chunk.length;
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const ids: number[] = [];
    for (;;) {
      const len = readVarInt(this.buf, 0);
      if (len === null) break;
      if (len[0] > this.maxFrame) throw new Error(`frame of ${len[0]} bytes`);
      const end = len[1] + len[0];
      if (this.buf.length < end) break;
      const id = len[0] === 0 ? null : readVarInt(this.buf, len[1]);
      ids.push(id === null ? -1 : id[0]);
      this.buf = this.buf.subarray(end);
    }
    return ids;
  }
}
