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
 */
export class PreambleReader {
  private pending: Buffer | null = null;

  push(chunk: Buffer): { name: string; rest: Buffer } | null {
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    let off = 0;
    let loginBody: Buffer | null = null;
    for (let n = 0; n < 2; n++) {
      const len = readVarInt(buf, off);
      if (!len) break;
      if (len[0] > 32 * 1024) throw new Error(`preamble frame too large: ${len[0]}`);
      const start = off + len[1];
      if (start + len[0] > buf.length) break;
      if (n === 1) loginBody = buf.subarray(start, start + len[0]);
      off = start + len[0];
    }
    if (!loginBody) {
      this.pending = buf;
      return null;
    }
    this.pending = null;
    const id = readVarInt(loginBody, 0);
    if (!id) throw new Error('empty Login Start frame');
    const nameLen = readVarInt(loginBody, id[1]);
    if (!nameLen) throw new Error('truncated Login Start name');
    const nameStart = id[1] + nameLen[1];
    const name = loginBody.toString('utf8', nameStart, nameStart + nameLen[0]);
    return { name, rest: buf.subarray(off) };
  }
}
