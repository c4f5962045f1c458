// Minimal Minecraft framing for the benchmark: just enough to produce and skip the
// handshake + Login Start preamble a proxy needs before it starts relaying raw bytes.
import { randomBytes } from 'node:crypto';

export function varInt(value: number): Buffer {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return Buffer.from(out);
}

export function mcString(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([varInt(b.length), b]);
}

/** One uncompressed frame: VarInt(length) ‖ VarInt(packetId) ‖ body. */
export function frame(packetId: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat([varInt(packetId), ...parts]);
  return Buffer.concat([varInt(body.length), body]);
}

export interface PreambleOptions {
  host?: string;
  port?: number;
  protocol?: number;
  /** Login name (≤ 16 chars, [A-Za-z0-9_]); the sink reads its workload mode from it. */
  name: string;
}

/** Handshake (next state 2 = login) followed by Login Start (name + UUID, protocol ≥ 764). */
export function preamble(o: PreambleOptions): Buffer {
  if (o.name.length > 16) throw new Error(`login name too long: ${o.name}`);
  const port = Buffer.alloc(2);
  port.writeUInt16BE(o.port ?? 25565);
  const handshake = frame(0x00, varInt(o.protocol ?? 767), mcString(o.host ?? 'bench.local'), port, varInt(2));
  const login = frame(0x00, mcString(o.name), randomBytes(16));
  return Buffer.concat([handshake, login]);
}

/** Handshake (next state 1 = status) followed by the Status Request frame (id 0x00, empty). */
export function statusPreamble(o: { host?: string; port?: number; protocol?: number } = {}): Buffer {
  const port = Buffer.alloc(2);
  port.writeUInt16BE(o.port ?? 25565);
  const handshake = frame(0x00, varInt(o.protocol ?? 767), mcString(o.host ?? 'bench.local'), port, varInt(1));
  return Buffer.concat([handshake, frame(0x00)]);
}

/** Ping Request frame (id 0x01, 8-byte payload); the Pong Response is the same frame. */
export function pingFrame(payload: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(payload);
  return frame(0x01, b);
}

/** Status Response frame: id 0x00, the JSON as a VarInt-prefixed string. */
export function statusResponseFrame(json: string): Buffer {
  return frame(0x00, mcString(json));
}

/** Returns [value, bytesRead] or null when the buffer ends inside the VarInt. */
export function readVarInt(buf: Buffer, offset: number): [number, number] | null {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    if (offset + i >= buf.length) return null;
    const b = buf[offset + i]!;
    value |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) return [value >>> 0, i + 1];
  }
  throw new Error('VarInt too long');
}

/**
 * Incremental reader for the two preamble frames. push() returns null until both frames
 * arrived, then the login name and whatever bytes followed the preamble in the same read.
 * A status handshake (next state 1) is followed by the Status Request instead: `status` is
 * true and `name` is empty.
 */
export class PreambleReader {
  private pending: Buffer | null = null;

  push(chunk: Buffer): { name: string; rest: Buffer; status: boolean } | null {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let off = 0;
    let handshakeBody: Buffer | null = null;
    let loginBody: Buffer | null = null;
    for (let n = 0; n < 2; n++) {
      const len = readVarInt(buf, off);
      if (!len) break;
      if (len[0] > 32 * 1024) throw new Error(`preamble frame too large: ${len[0]}`);
      const start = off + len[1];
      if (start + len[0] > buf.length) break;
      if (n === 0) handshakeBody = buf.subarray(start, start + len[0]);
      else loginBody = buf.subarray(start, start + len[0]);
      off = start + len[0];
    }
    if (!loginBody || !handshakeBody) {
      this.pending = buf;
      return null;
    }
    this.pending = null;
    if (handshakeNextState(handshakeBody) === 1) return { name: '', rest: buf.subarray(off), status: true };
    const id = readVarInt(loginBody, 0);
    if (!id) throw new Error('empty Login Start frame');
    const nameLen = readVarInt(loginBody, id[1]);
    if (!nameLen) throw new Error('truncated Login Start name');
    const nameStart = id[1] + nameLen[1];
    const name = loginBody.toString('utf8', nameStart, nameStart + nameLen[0]);
    return { name, rest: buf.subarray(off), status: false };
  }
}

/** The next-state field of a handshake body (packet id, protocol, address, port, next state). */
function handshakeNextState(body: Buffer): number {
  let off = 0;
  for (let i = 0; i < 2; i++) {
    const v = readVarInt(body, off); // packet id, then protocol version
    if (!v) throw new Error('truncated handshake');
    off += v[1];
  }
  const addrLen = readVarInt(body, off);
  if (!addrLen) throw new Error('truncated handshake address');
  off += addrLen[1] + addrLen[0] + 2;
  const next = readVarInt(body, off);
  if (!next) throw new Error('truncated handshake next state');
  return next[0];
}

/** Splits a byte stream into frames; next() returns one frame's body (id + data) or null. */
export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
  }

  next(): Buffer | null {
    const len = readVarInt(this.buf, 0);
    if (!len) return null;
    if (len[0] > 1024 * 1024) throw new Error(`frame too large: ${len[0]}`);
    const end = len[1] + len[0];
    if (end > this.buf.length) return null;
    const body = this.buf.subarray(len[1], end);
    this.buf = this.buf.subarray(end);
    return body;
  }
}
