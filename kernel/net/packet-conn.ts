/**
 * One side of an intercepted session as a stream of packets: bytes off the socket → transport
 * tap → decryption → frames → (lazily) decompression; packets back out → compression → one
 * encryption and one socket write per batch. Each side keeps its own cipher and threshold, so
 * the client's compression need not equal the backend's.
 *
 * Frames reach the consumer as they arrived (`body`, `raw` with the length prefix): a relay that
 * does not need to look inside passes `raw` on to a peer with the same threshold untouched, and
 * `packetId` peeks at a compressed frame's id without inflating all of it.
 *
 * Reading is flow-controlled: the socket pauses while the consumer works on a promise, while no
 * consumer is set and bytes pile up, and while the peer it writes to needs a drain. Nothing is
 * buffered beyond one socket read plus one frame.
 */
import type { Socket } from 'node:net';
import { constants as zlibConstants, inflateSync } from 'node:zlib';
import { InfrarustError } from '../errors.ts';
import { FrameSplitter } from '../protocol/frame-splitter.ts';
import { createDecryptor, createEncryptor, type StreamCipher } from '../protocol/cipher.ts';
import { decodeCompressed, encodeCompressed } from '../protocol/compression.ts';
import { encodeFrame, MAX_FRAME_LENGTH } from '../protocol/packet-writer.ts';
import { readVarInt } from '../protocol/varint.ts';

/** Receives each frame; a promise holds the stream until it settles. */
export type FrameConsumer = (body: Buffer, raw: Buffer) => void | Promise<void>;

export interface PacketConnOptions {
  /** Transport filters' view of this side's incoming bytes (client side only); null rejects. */
  incoming?: (chunk: Buffer) => Buffer | null;
  /** Servers refuse packets compressed below the threshold; a proxy reading a backend must not. */
  validateCompression: boolean;
  /** Which peer this is, for error messages: 'client' or 'backend'. */
  peer: string;
}

const PAUSE_BUSY = 1;
const PAUSE_IDLE = 2;
const PAUSE_PEER = 4;
/** With no consumer, stop reading once this much is buffered. */
const IDLE_LIMIT = 64 * 1024;
/** A compressed frame's first bytes are usually enough to inflate its packet id. */
const PEEK_INPUT = [64, 1024];

export class PacketConn {
  /** Compression threshold of this side (-1: off). */
  threshold = -1;
  readonly #splitter = new FrameSplitter({ maxFrame: MAX_FRAME_LENGTH });
  #decryptor: StreamCipher | undefined;
  #encryptor: StreamCipher | undefined;
  #consumer: FrameConsumer | undefined;
  #pause = 0;
  #draining = false;
  #failure: Error | undefined;
  #out: Buffer[] = [];
  #outBytes = 0;
  /** Called after each run of frames (e.g. to flush the peer it wrote to). */
  afterBatch: (() => void) | undefined;
  /** Called once when the stream fails or closes. */
  onEnd: ((err: Error) => void) | undefined;

  constructor(
    readonly socket: Socket,
    private readonly options: PacketConnOptions,
  ) {
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('end', () => this.#fail(new InfrarustError('IR_ERR_CONN_CLOSED', `the ${options.peer} closed the connection`)));
    socket.on('close', () => this.#fail(new InfrarustError('IR_ERR_CONN_CLOSED', `the ${options.peer} connection closed`)));
    socket.on('error', (err) => this.#fail(err));
  }

  get failed(): Error | undefined {
    return this.#failure;
  }

  /** Bytes that arrived before this object existed (e.g. after Login Start): plaintext, unread. */
  unshift(bytes: Buffer): void {
    this.#splitter.push(bytes);
  }

  /** Turns on AES-CFB8 both ways; bytes already buffered past this point are decrypted now. */
  enableEncryption(sharedSecret: Buffer): void {
    this.#encryptor = createEncryptor(sharedSecret);
    this.#decryptor = createDecryptor(sharedSecret);
    const pending = this.#splitter.takeRemainder();
    if (pending.length > 0) this.#splitter.push(this.#decryptor.update(pending));
  }

  get encrypted(): boolean {
    return this.#encryptor !== undefined;
  }

  /** Sets (or replaces) the consumer and starts delivering frames. */
  consume(consumer: FrameConsumer | undefined): void {
    this.#consumer = consumer;
    if (consumer === undefined) return;
    this.#release(PAUSE_IDLE);
    this.#drain();
  }

  /** The next packet (id + body, decompressed), for the login phases. */
  read(timeoutMs: number, what: string): Promise<Buffer> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#consumer = undefined;
        this.#waiter = undefined;
        reject(new InfrarustError('IR_ERR_SESSION_TIMEOUT', `the ${this.options.peer} sent no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (err: Error | undefined, packet?: Buffer): void => {
        clearTimeout(timer);
        this.#consumer = undefined;
        this.#waiter = undefined;
        if (err !== undefined) reject(err);
        else resolve(packet!);
      };
      this.#waiter = done;
      this.consume((body) => done(undefined, this.decode(body)));
    });
  }

  #waiter: ((err: Error | undefined, packet?: Buffer) => void) | undefined;

  /** The packet (id + body) a frame body carries, inflated when it was compressed. */
  decode(body: Buffer): Buffer {
    if (this.threshold < 0) return body;
    return decodeCompressed(body, this.threshold, this.options.validateCompression);
  }

  /** A frame's packet id without decoding the packet (a compressed frame is inflated only a little). */
  packetId(body: Buffer): number {
    if (this.threshold < 0) return idAt(body, 0);
    const head = readVarInt(body, 0);
    if (head === null) throw new InfrarustError('IR_ERR_PROTO_COMPRESSION_INVALID', 'compressed frame ended inside its data length');
    if (head.value === 0) return idAt(body, head.size);
    const payload = body.subarray(head.size);
    for (const size of PEEK_INPUT) {
      if (size >= payload.length) break;
      const id = peekId(payload.subarray(0, size));
      if (id >= 0) return id;
    }
    return idAt(this.decode(body), 0);
  }

  /** Queues a packet (id + body): framed and compressed for this side. Call flush() to send. */
  queue(packet: Uint8Array): void {
    const frame = this.threshold >= 0 ? encodeCompressed(packet, this.threshold) : encodeFrame(packet);
    this.#out.push(frame);
    this.#outBytes += frame.length;
  }

  /** Queues a frame that is already in this side's format (length prefix included). */
  queueRaw(raw: Buffer): void {
    this.#out.push(raw);
    this.#outBytes += raw.length;
  }

  /** Sends what was queued as one encrypted write; false when the socket wants a drain. */
  flush(): boolean {
    if (this.#outBytes === 0 || this.socket.destroyed) {
      this.#out.length = 0;
      this.#outBytes = 0;
      return !this.socket.writableNeedDrain;
    }
    const plain = this.#out.length === 1 ? this.#out[0] : Buffer.concat(this.#out, this.#outBytes);
    this.#out = [];
    this.#outBytes = 0;
    return this.socket.write(this.#encryptor === undefined ? plain : this.#encryptor.update(plain));
  }

  /** Queues and flushes one packet. */
  send(packet: Uint8Array): boolean {
    this.queue(packet);
    return this.flush();
  }

  /** Stops reading until `peer` drains (backpressure from the side this stream feeds). */
  holdFor(peer: PacketConn): void {
    if ((this.#pause & PAUSE_PEER) !== 0) return;
    this.#hold(PAUSE_PEER);
    peer.socket.once('drain', () => this.#release(PAUSE_PEER));
  }

  /** Sends what is queued, then closes; a peer that does not read is cut off after `lingerMs`. */
  end(lingerMs = 5000): void {
    this.flush();
    this.#consumer = undefined;
    if (!this.socket.destroyed) {
      this.socket.end();
      setTimeout(() => this.socket.destroy(), lingerMs).unref();
    }
  }

  #receive(raw: Buffer): void {
    const filtered = this.options.incoming === undefined ? raw : this.options.incoming(raw);
    if (filtered === null) {
      this.#fail(new InfrarustError('IR_ERR_CONN_TRANSPORT_REJECTED', `a transport filter rejected the ${this.options.peer}'s bytes`));
      this.socket.destroy();
      return;
    }
    this.#splitter.push(this.#decryptor === undefined ? filtered : this.#decryptor.update(filtered));
    this.#drain();
    if (this.#consumer === undefined && this.#splitter.pendingBytes > IDLE_LIMIT) this.#hold(PAUSE_IDLE);
  }

  #drain(): void {
    if (this.#draining) return;
    this.#draining = true;
    try {
      while (this.#consumer !== undefined && (this.#pause & PAUSE_BUSY) === 0 && this.#failure === undefined) {
        const body = this.#splitter.next();
        if (body === null) break;
        const result = this.#consumer(body, this.#splitter.lastRaw);
        if (result instanceof Promise) this.#await(result);
      }
    } catch (err) {
      this.#fail(err as Error);
      this.socket.destroy();
    } finally {
      this.#draining = false;
    }
    this.afterBatch?.();
  }

  #await(result: Promise<void>): void {
    this.#hold(PAUSE_BUSY);
    result.then(
      () => {
        this.#release(PAUSE_BUSY);
        this.#drain();
      },
      (err: Error) => {
        this.#fail(err);
        this.socket.destroy();
      },
    );
  }

  #hold(flag: number): void {
    this.#pause |= flag;
    this.socket.pause();
  }

  #release(flag: number): void {
    if ((this.#pause & flag) === 0) return;
    this.#pause &= ~flag;
    if (this.#pause === 0 && !this.socket.destroyed) this.socket.resume();
  }

  #fail(err: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = err;
    this.#waiter?.(err);
    this.onEnd?.(err);
  }
}

function idAt(buf: Buffer, offset: number): number {
  const id = readVarInt(buf, offset);
  if (id === null) throw new InfrarustError('IR_ERR_PROTO_TRUNCATED', 'frame ended inside its packet id');
  return id.value;
}

/** The packet id in the first inflated bytes of a zlib stream prefix, or -1 when not there yet. */
function peekId(prefix: Buffer): number {
  let head: Buffer;
  try {
    head = inflateSync(prefix, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch {
    return -1;
  }
  const id = readVarInt(head, 0);
  return id === null ? -1 : id.value;
}
