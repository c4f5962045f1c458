// Enough of a real Minecraft login for the `intercepted` workload, on both ends: the bench
// client (lib/client.ts) and the sink backend (lib/sink.ts) log in for real, so an intercepted
// Infrarust session (`offline`, `client_only`) can run between them, and a passthrough relay
// sees the very same bytes. Built from the kernel's own codec pieces (FrameSplitter,
// compression, cipher, PacketWriter/Reader).
//
// Version: 1.21.4 (protocol 769), the configuration state included: handshake → Login Start →
// [Encryption Request/Response] → [Set Compression] → Login Success → Login Acknowledged →
// Finish Configuration (cb) → Acknowledge Finish Configuration (sb) → play. A pre-1.20.2
// version would skip the configuration state, but every current client has it and the proxy's
// per-state relay (packet-relay.ts) switches state on those packets: the bench should cross it.
//
// Bulk play traffic: the sink repeats one custom_payload (plugin message) packet of a fixed
// size whose data looks like chunk sections (palette indices in runs: compresses ~3-4×), built
// and framed once. The client does not decode it: BulkCounter walks the frame headers only,
// decrypting just those few bytes when the stream is AES-CFB8 encrypted (see there), so the
// load side stays far cheaper than the relay it measures.
import { constants, createDecipheriv, createPublicKey, publicEncrypt, randomBytes, type Decipher } from 'node:crypto';
import { createEncryptor, createDecryptor, type StreamCipher } from '../../kernel/protocol/cipher.ts';
import { decodeCompressed, encodeCompressed } from '../../kernel/protocol/compression.ts';
import { FrameSplitter } from '../../kernel/protocol/frame-splitter.ts';
import { kernelIds } from '../../kernel/protocol/ids/index.ts';
import { PacketReader } from '../../kernel/protocol/packet-reader.ts';
import { encodeFrame, MAX_FRAME_LENGTH, PacketWriter } from '../../kernel/protocol/packet-writer.ts';
import { encodeHandshake } from '../../kernel/protocol/packets/handshake.ts';
import { encodeLoginStart } from '../../kernel/protocol/packets/login.ts';

/** 1.21.4 */
export const MC_PROTOCOL = 769;
const K = kernelIds(MC_PROTOCOL);
export const IDS = {
  loginDisconnect: K.login.cb.disconnect,
  encryptionRequest: K.login.cb.encryptionBegin,
  loginSuccess: K.login.cb.success,
  setCompression: K.login.cb.compress,
  loginStart: K.login.sb.loginStart,
  encryptionResponse: K.login.sb.encryptionBegin,
  loginAcknowledged: K.login.sb.loginAcknowledged,
  finishConfigurationCb: K.config.cb.finishConfiguration,
  finishConfigurationSb: K.config.sb.finishConfiguration,
  customPayloadCb: K.play.cb.customPayload,
} as const;
for (const [k, v] of Object.entries(IDS)) if (v < 0) throw new Error(`no packet id for ${k} in protocol ${MC_PROTOCOL}`);

/** Login names the sink understands: `bulk<KiB>x<packet KiB>` streams that much; anything else is a join. */
export function bulkName(kib: number, packetKiB: number): string {
  const name = `bulk${kib}x${packetKiB}`;
  if (name.length > 16) throw new Error(`login name too long: ${name}`);
  return name;
}

export function parseBulkName(name: string): { bytes: number; packetSize: number } | null {
  const m = /^bulk(\d+)x(\d+)$/.exec(name);
  if (!m) return null;
  return { bytes: Number(m[1]) * 1024, packetSize: Number(m[2]) * 1024 };
}

/** How many packets of `packetSize` carry at least `bytes` (the last one is full too). */
export function bulkPackets(bytes: number, packetSize: number): number {
  return Math.max(1, Math.ceil(bytes / packetSize));
}

/** Handshake (next state 2) and Login Start for 1.21.4, as the first bytes a client sends. */
export function loginHello(name: string, host = 'bench.local'): Buffer {
  return Buffer.concat([
    encodeHandshake({ protocolVersion: MC_PROTOCOL, address: host, port: 25565, nextState: 2 }),
    encodeLoginStart({ name }, MC_PROTOCOL),
  ]);
}

/** A packet (id + body). */
export function packet(id: number, body: Uint8Array = Buffer.alloc(0)): Buffer {
  return new PacketWriter(body.length + 5).varInt(id).bytes(body).toBuffer();
}

/**
 * The bulk play packet: custom_payload (plugin message) `bench:bulk`, exactly `size` bytes as a
 * packet (id + body). Its data imitates chunk sections: 4-bit palette indices in runs of 1–24,
 * from a fixed seed, so every run of the bench sends the same bytes.
 */
export function bulkPacket(size: number): Buffer {
  const head = new PacketWriter(32).varInt(IDS.customPayloadCb).string('bench:bulk').toBuffer();
  if (size < head.length + 1) throw new Error(`bulk packet of ${size} bytes is too small`);
  const out = Buffer.allocUnsafe(size);
  head.copy(out, 0);
  let seed = 0x9e3779b9;
  const rnd = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  for (let i = head.length; i < size; ) {
    const r = rnd();
    const run = 1 + (r % 24);
    out.fill((r >>> 8) & 0x0f, i, Math.min(size, i + run));
    i += run;
  }
  return out;
}

/**
 * One side's packet stream for the login phases: frames (FrameSplitter), compression after Set
 * Compression, AES-128-CFB8 once enabled. Not used for the bulk stream (see BulkCounter).
 */
export class PacketCodec {
  threshold = -1;
  readonly splitter = new FrameSplitter({ maxFrame: MAX_FRAME_LENGTH });
  #enc: StreamCipher | undefined;
  #dec: StreamCipher | undefined;
  #secret: Buffer | undefined;
  /** The last 16 ciphertext bytes received (what a CFB8 decipher's register holds), once encrypted. */
  tail: Buffer = Buffer.alloc(0);

  get secret(): Buffer | undefined {
    return this.#secret;
  }

  enableEncryption(secret: Buffer): void {
    this.#secret = secret;
    this.#enc = createEncryptor(secret);
    this.#dec = createDecryptor(secret);
    this.tail = Buffer.from(secret); // the IV: what precedes the first ciphertext byte
    const pending = this.splitter.takeRemainder();
    if (pending.length > 0) this.push(pending);
  }

  push(chunk: Buffer): void {
    if (this.#dec === undefined) return this.splitter.push(chunk);
    this.tail = lastBytes(this.tail, chunk, 16);
    this.splitter.push(this.#dec.update(chunk));
  }

  /** The next packet (id + body), inflated when it was compressed; null until more bytes arrive. */
  next(): Buffer | null {
    const body = this.splitter.next();
    if (body === null) return null;
    return this.threshold >= 0 ? decodeCompressed(body, this.threshold, false) : body;
  }

  /** A packet framed for this side (compressed framing after Set Compression) and encrypted. */
  frame(pkt: Uint8Array): Buffer {
    const f = this.threshold >= 0 ? encodeCompressed(pkt, this.threshold) : encodeFrame(pkt);
    return this.#enc === undefined ? f : this.#enc.update(f);
  }
}

/** The last `n` bytes of `prev ‖ chunk`, copied. */
export function lastBytes(prev: Buffer, chunk: Buffer, n: number): Buffer {
  if (chunk.length >= n) return Buffer.from(chunk.subarray(chunk.length - n));
  return Buffer.from(Buffer.concat([prev, chunk]).subarray(-n));
}

/** Client side of Encryption Request → Encryption Response (1.20.5+ layout): the response frame and the shared secret. */
export function answerEncryptionRequest(pkt: Buffer): { response: Buffer; secret: Buffer } {
  const r = new PacketReader(pkt);
  if (r.varInt() !== IDS.encryptionRequest) throw new Error('not an Encryption Request');
  r.string(20);
  const der = r.byteArray(1024);
  const token = r.byteArray(256);
  const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  const secret = randomBytes(16);
  const enc = (b: Buffer) => publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, b);
  const body = new PacketWriter(280).byteArray(enc(secret)).byteArray(enc(token)).toBuffer();
  return { response: packet(IDS.encryptionResponse, body), secret };
}

/**
 * Counts the frames of a bulk stream without decoding their packets: it reads each frame's
 * header (length; with compression the data length; the packet id, or the first zlib byte),
 * checks it, and skips the body. Counted: frames, packet bytes (uncompressed: what the
 * application gets), wire bytes.
 *
 * Encrypted streams (AES-128-CFB8): a CFB8 decipher's state is nothing but the last 16
 * ciphertext bytes, so the header at any position decrypts with a fresh decipher whose IV is
 * the 16 ciphertext bytes before it. Only the header bytes are decrypted (~8 per frame, one
 * createDecipheriv per frame), never the bodies: the client reads an encrypted stream at a
 * small fraction of the relay's cost of encrypting it. A wrong key or a byte out of place makes
 * the next header decrypt to garbage, which fails the check.
 */
export class BulkCounter {
  frames = 0;
  packetBytes = 0;
  wireBytes = 0;
  #skip = 0;
  #inHeader = false;
  /** header fields: 0 frame length, 1 data length (compressed only), 2 id or first zlib byte */
  #field = 0;
  #value = 0;
  #shift = 0;
  #prefix = 0;
  #afterPrefix = 0;
  #frameLength = 0;
  #dataLength = 0;
  #dec: Decipher | null = null;
  #plain: Buffer | null = null;
  #plainPos = 0;
  #tail: Buffer;

  constructor(private readonly o: { compressed: boolean; key?: Buffer; tail?: Buffer; expectId: number }) {
    this.#tail = o.tail ?? Buffer.alloc(0);
    if (o.key && this.#tail.length !== 16) throw new Error('an encrypted stream needs the 16 ciphertext bytes before it');
  }

  push(chunk: Buffer): void {
    const n = chunk.length;
    let i = 0;
    while (i < n) {
      if (this.#skip > 0) {
        const k = Math.min(this.#skip, n - i);
        this.#skip -= k;
        i += k;
        continue;
      }
      if (!this.#inHeader) this.#startHeader(chunk, i);
      const b = this.#byte(chunk, i);
      i++;
      this.#header(b);
    }
    if (this.o.key) this.#tail = lastBytes(this.#tail, chunk, 16);
  }

  #startHeader(chunk: Buffer, i: number): void {
    this.#inHeader = true;
    this.#field = 0;
    this.#value = 0;
    this.#shift = 0;
    this.#prefix = 0;
    this.#afterPrefix = 0;
    if (!this.o.key) return;
    const iv = i >= 16 ? chunk.subarray(i - 16, i) : Buffer.concat([this.#tail.subarray(this.#tail.length - (16 - i)), chunk.subarray(0, i)]);
    this.#dec = createDecipheriv('aes-128-cfb8', this.o.key, iv);
    this.#plain = null;
  }

  /** The plaintext of chunk[i] (decrypting a few bytes ahead within this chunk). */
  #byte(chunk: Buffer, i: number): number {
    if (!this.o.key) return chunk[i]!;
    if (this.#plain === null || this.#plainPos >= this.#plain.length) {
      this.#plain = this.#dec!.update(chunk.subarray(i, Math.min(chunk.length, i + 8)));
      this.#plainPos = 0;
    }
    return this.#plain[this.#plainPos++]!;
  }

  #header(b: number): void {
    if (this.#field === 0) this.#prefix++;
    else this.#afterPrefix++;
    if (this.#field === 2) return this.#endHeader(b);
    this.#value |= (b & 0x7f) << this.#shift;
    this.#shift += 7;
    if (b & 0x80) {
      if (this.#shift > 28) throw new Error('bulk stream: VarInt too long (stream out of step)');
      return;
    }
    const v = this.#value;
    this.#value = 0;
    this.#shift = 0;
    if (this.#field === 0) {
      if (v <= 0 || v > MAX_FRAME_LENGTH) throw new Error(`bulk stream: bad frame length ${v} (stream out of step)`);
      this.#frameLength = v;
      this.#field = this.o.compressed ? 1 : 2;
      if (!this.o.compressed) this.#dataLength = 0;
    } else {
      this.#dataLength = v;
      this.#field = 2;
    }
  }

  /** `b`: the packet id (1-byte ids only: the bulk packet's), or the first zlib byte. */
  #endHeader(b: number): void {
    const zlib = this.o.compressed && this.#dataLength > 0;
    if (zlib ? (b & 0x0f) !== 8 : b !== this.o.expectId) {
      throw new Error(`bulk stream: frame ${this.frames} starts with 0x${b.toString(16)}, expected ${zlib ? 'a zlib header' : `packet 0x${this.o.expectId.toString(16)}`}`);
    }
    this.#skip = this.#frameLength - this.#afterPrefix;
    if (this.#skip < 0) throw new Error('bulk stream: frame shorter than its header');
    this.frames++;
    this.wireBytes += this.#prefix + this.#frameLength;
    this.packetBytes += zlib ? this.#dataLength : this.#frameLength - (this.o.compressed ? 1 : 0);
    this.#inHeader = false;
    this.#dec = null;
    this.#plain = null;
  }
}
