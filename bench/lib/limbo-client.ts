// A minimal Minecraft client for the limbo benchmark (bench/limbo.ts): many of them in one load
// process, each a net.Socket plus a small state machine, cheap enough that the load side does not
// set the rate it measures.
//
//   handshake (next state 2) → Login Start → [Set Compression] → Login Success
//   → 1.20.2+: Login Acknowledged → configuration packets until Finish Configuration → acknowledge
//   → play: the first Join Game ("login") counts the player as held; every keep_alive is answered
//     with the same payload; everything else is skipped.
//
// Frames are split by hand (VarInt length). After Set Compression a frame with a data length > 0
// is compressed: it is inflated only in the login state (Login Success could in theory be that
// large); in configuration and play such frames are skipped unread, since the packets the client
// acts on (Finish Configuration, keep_alive, Join Game, disconnects) are far below any threshold
// the proxy uses, and inflating the registry data of every join would make the load side the
// bottleneck. A compressed Join Game (protocols whose login packet exceeds the threshold) also
// counts as held: the first compressed frame in play is taken as it, as nothing else comes first.
// Packet ids come from the kernel's tables (kernelIds), handshake and Login Start from its encoders.
import { connect, type Socket } from 'node:net';
import { inflateSync } from 'node:zlib';
import { kernelIds } from '../../kernel/protocol/ids/index.ts';
import { encodeHandshake } from '../../kernel/protocol/packets/handshake.ts';
import { encodeLoginStart } from '../../kernel/protocol/packets/login.ts';
import { PV } from '../../kernel/protocol/packets/protocol-versions.ts';
import { readVarInt, varIntSize, writeVarIntInto } from '../../kernel/protocol/varint.ts';

interface Ids {
  loginDisconnect: number;
  compress: number;
  success: number;
  loginAck: number;
  cfgDisconnect: number;
  cfgFinishCb: number;
  cfgFinishSb: number;
  cfgKeepAliveCb: number;
  cfgKeepAliveSb: number;
  playLogin: number;
  playKeepAliveCb: number;
  playKeepAliveSb: number;
  playKick: number;
}

const idCache = new Map<number, Ids>();
function idsFor(protocol: number): Ids {
  let ids = idCache.get(protocol);
  if (ids) return ids;
  const k = kernelIds(protocol);
  ids = {
    loginDisconnect: k.login.cb.disconnect,
    compress: k.login.cb.compress,
    success: k.login.cb.success,
    loginAck: k.login.sb.loginAcknowledged,
    cfgDisconnect: k.config.cb.disconnect,
    cfgFinishCb: k.config.cb.finishConfiguration,
    cfgFinishSb: k.config.sb.finishConfiguration,
    cfgKeepAliveCb: k.config.cb.keepAlive,
    cfgKeepAliveSb: k.config.sb.keepAlive,
    playLogin: k.play.cb.login,
    playKeepAliveCb: k.play.cb.keepAlive,
    playKeepAliveSb: k.play.sb.keepAlive,
    playKick: k.play.cb.kickDisconnect,
  };
  if (ids.success < 0 || ids.playLogin < 0 || ids.playKeepAliveCb < 0 || ids.playKeepAliveSb < 0) throw new Error(`no packet ids for protocol ${protocol}`);
  idCache.set(protocol, ids);
  return ids;
}

/** Counters shared by all connections of the load process. */
export interface LimboStats {
  keepAlives: number;
  /** held players whose connection ended afterwards */
  lost: number;
  lostReasons: Map<string, number>;
  compressedSkipped: number;
}

export function newStats(): LimboStats {
  return { keepAlives: 0, lost: 0, lostReasons: new Map(), compressedSkipped: 0 };
}

type State = 'login' | 'config' | 'play';

/**
 * What both kinds of bench connection share: `done` settles once (held, or the reason it was
 * not), and a held connection that ends later counts as lost in `stats`.
 */
abstract class HeldConn {
  abstract readonly socket: Socket;
  protected isHeld = false;
  #settled = false;

  constructor(
    protected readonly stats: LimboStats,
    private readonly done: (result: true | string) => void,
  ) {}

  get held(): boolean {
    return this.isHeld && !this.socket.destroyed;
  }

  close(): void {
    this.settle('closed by the bench');
    this.isHeld = false;
    this.socket.destroy();
  }

  protected settle(result: true | string): void {
    if (this.#settled) return;
    this.#settled = true;
    this.done(result);
  }

  protected end(reason: string): void {
    if (this.isHeld) {
      this.isHeld = false;
      this.stats.lost++;
      this.stats.lostReasons.set(reason, (this.stats.lostReasons.get(reason) ?? 0) + 1);
    }
    this.settle(reason);
    this.socket.destroy();
  }

  protected becomeHeld(): void {
    this.isHeld = true;
    this.settle(true);
  }
}

/** One player. `done` settles once: held (true) or failed (the reason). */
export class LimboPlayerConn extends HeldConn {
  readonly socket: Socket;
  #state: State = 'login';
  #threshold = -1;
  #buf: Buffer | null = null;
  readonly #ids: Ids;

  constructor(
    port: number,
    readonly protocol: number,
    name: string,
    localAddress: string,
    stats: LimboStats,
    done: (result: true | string) => void,
    host = 'bench.local',
  ) {
    super(stats, done);
    this.#ids = idsFor(protocol);
    const hello = Buffer.concat([
      encodeHandshake({ protocolVersion: protocol, address: host, port: 25565, nextState: 2 }),
      encodeLoginStart({ name }, protocol),
    ]);
    this.socket = connect({ port, host: '127.0.0.1', localAddress });
    this.socket.setNoDelay(true);
    this.socket.once('connect', () => this.socket.write(hello));
    this.socket.on('data', (chunk: Buffer) => {
      try {
        this.#receive(chunk);
      } catch (e) {
        this.end(`client error: ${(e as Error).message}`);
      }
    });
    this.socket.on('error', (e) => this.end(`socket error: ${e.message}`));
    this.socket.on('close', () => this.end('closed by the proxy'));
  }


  #receive(chunk: Buffer): void {
    const buf = this.#buf === null ? chunk : Buffer.concat([this.#buf, chunk]);
    let off = 0;
    for (;;) {
      const len = readVarInt(buf, off);
      if (len === null || off + len.size + len.value > buf.length) break;
      const start = off + len.size;
      off = start + len.value;
      this.#frame(buf.subarray(start, off));
      if (this.socket.destroyed) return;
    }
    // Keep only the unread tail, copied so a large chunk is not retained for a few bytes.
    this.#buf = off >= buf.length ? null : Buffer.from(buf.subarray(off));
  }

  #frame(frame: Buffer): void {
    let packet = frame;
    if (this.#threshold >= 0) {
      const dl = readVarInt(frame, 0);
      if (dl === null) throw new Error('frame without a data length');
      if (dl.value !== 0) {
        if (this.#state !== 'login') {
          this.stats.compressedSkipped++;
          if (this.#state === 'play' && !this.isHeld) this.becomeHeld();
          return;
        }
        packet = inflateSync(frame.subarray(dl.size));
      } else packet = frame.subarray(dl.size);
    }
    const id = readVarInt(packet, 0);
    if (id === null) throw new Error('empty packet');
    this.#packet(id.value, packet, id.size);
  }

  #packet(id: number, packet: Buffer, idSize: number): void {
    const ids = this.#ids;
    if (this.#state === 'play') {
      if (id === ids.playKeepAliveCb) {
        this.stats.keepAlives++;
        this.#send(ids.playKeepAliveSb, packet.subarray(idSize));
      } else if (id === ids.playLogin && !this.isHeld) this.becomeHeld();
      else if (id === ids.playKick) this.end(`kicked in play: ${reason(packet, idSize)}`);
      return;
    }
    if (this.#state === 'config') {
      if (id === ids.cfgFinishCb) {
        this.#send(ids.cfgFinishSb, Buffer.alloc(0));
        this.#state = 'play';
      } else if (id === ids.cfgKeepAliveCb) this.#send(ids.cfgKeepAliveSb, packet.subarray(idSize));
      else if (id === ids.cfgDisconnect) this.end(`kicked in configuration: ${reason(packet, idSize)}`);
      return;
    }
    if (id === ids.compress) {
      this.#threshold = readVarInt(packet, idSize)?.value ?? -1;
    } else if (id === ids.success) {
      if (this.protocol >= PV.V1_20_2) {
        this.#send(ids.loginAck, Buffer.alloc(0));
        this.#state = 'config';
      } else this.#state = 'play';
    } else if (id === ids.loginDisconnect) this.end(`kicked at login: ${reason(packet, idSize)}`);
    else throw new Error(`unexpected login packet 0x${id.toString(16)}`);
  }

  /** One packet (id + body); below any threshold, so "uncompressed" (data length 0) after Set Compression. */
  #send(id: number, body: Buffer): void {
    const compressed = this.#threshold >= 0;
    const packetLen = varIntSize(id) + body.length;
    const frameLen = packetLen + (compressed ? 1 : 0);
    const out = Buffer.allocUnsafe(varIntSize(frameLen) + frameLen);
    let o = writeVarIntInto(out, 0, frameLen);
    if (compressed) out[o++] = 0;
    o = writeVarIntInto(out, o, id);
    body.copy(out, o);
    this.socket.write(out);
  }
}

function reason(packet: Buffer, idSize: number): string {
  return packet.subarray(idSize).toString('utf8').replace(/[^\x20-\x7e]/g, '').slice(0, 160);
}

/**
 * A plain TCP "player" for the passthrough and floor alternatives: sends `hello`, counts as held
 * once one byte comes back (the sink's through the relay, or the floor server's), then idles.
 */
export class RawConn extends HeldConn {
  readonly socket: Socket;

  constructor(
    port: number,
    hello: Buffer,
    localAddress: string,
    stats: LimboStats,
    done: (result: true | string) => void,
  ) {
    super(stats, done);
    this.socket = connect({ port, host: '127.0.0.1', localAddress });
    this.socket.once('connect', () => this.socket.write(hello));
    this.socket.once('data', () => this.becomeHeld());
    this.socket.on('error', (e) => this.end(`socket error: ${e.message}`));
    this.socket.on('close', () => this.end('closed by the server'));
  }

}
