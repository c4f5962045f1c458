/**
 * Keepalives for a player held in limbo: one every `intervalMs` (10 s), and the player is let go
 * when one stays unanswered for `timeoutMs` (15 s). A new keepalive is not sent while one is
 * still pending, so a silent client sees exactly one before it times out.
 */
import { InfrarustError } from '../errors.ts';
import type { PacketConn } from '../net/packet-conn.ts';
import { encodeDisconnect } from '../protocol/packets/disconnect.ts';
import { kernelIds } from '../protocol/ids/index.ts';
import { PacketReader } from '../protocol/packet-reader.ts';
import { PacketWriter } from '../protocol/packet-writer.ts';
import { limboSequence, type KeepAliveLayout } from './data/index.ts';

export interface KeepAliveOptions {
  intervalMs?: number;
  timeoutMs?: number;
  /** Called once on a timeout, after the player was sent a disconnect and the connection ended. */
  onTimeout?: (err: InfrarustError) => void;
}

export interface KeepAlive {
  /** Stops the timers (the player leaves limbo or the connection ended). */
  stop(): void;
  /** Hands over a serverbound keep_alive (id + body); true when it answered the pending one. */
  answer(packet: Buffer): boolean;
}

export const KEEPALIVE_INTERVAL_MS = 10_000;
export const KEEPALIVE_TIMEOUT_MS = 15_000;

/**
 * Starts the keepalive loop of `conn`, a client in play state.
 * @example const keepAlive = startKeepAlive(conn, 769); … keepAlive.stop();
 */
export function startKeepAlive(conn: PacketConn, protocol: number, options: KeepAliveOptions = {}): KeepAlive {
  const layout = limboSequence(protocol)?.keepAlive ?? 'i64';
  const id = kernelIds(protocol).play.cb.keepAlive;
  const timeoutMs = options.timeoutMs ?? KEEPALIVE_TIMEOUT_MS;
  let counter = 0;
  let pending: { value: bigint; timer: NodeJS.Timeout } | undefined;
  const timedOut = (): void => {
    stop();
    const err = new InfrarustError('IR_ERR_LIMBO_KEEPALIVE_TIMEOUT', `the client did not answer a keepalive within ${timeoutMs} ms`);
    const kick = encodeDisconnect(protocol, 'play', 'Timed out');
    if (kick) conn.queue(kick);
    conn.end(1000);
    options.onTimeout?.(err);
  };
  const send = (): void => {
    if (pending !== undefined || conn.failed !== undefined) return;
    const value = BigInt(++counter);
    pending = { value, timer: setTimeout(timedOut, timeoutMs).unref() };
    conn.send(encodeKeepAlive(id, layout, value));
  };
  const interval = setInterval(send, options.intervalMs ?? KEEPALIVE_INTERVAL_MS).unref();
  const stop = (): void => {
    clearInterval(interval);
    if (pending) clearTimeout(pending.timer);
    pending = undefined;
  };
  const answer = (packet: Buffer): boolean => {
    if (pending === undefined || decodeKeepAlive(packet, layout) !== pending.value) return false;
    clearTimeout(pending.timer);
    pending = undefined;
    return true;
  };
  return { stop, answer };
}

export function encodeKeepAlive(id: number, layout: KeepAliveLayout, value: bigint): Buffer {
  const w = new PacketWriter(12).varInt(id);
  if (layout === 'i32') w.i32(Number(BigInt.asIntN(32, value)));
  else if (layout === 'varint') w.varInt(Number(BigInt.asIntN(32, value)));
  else w.i64(value);
  return w.toBuffer();
}

/** The id a keep_alive (id + body) carries. */
export function decodeKeepAlive(packet: Buffer, layout: KeepAliveLayout): bigint {
  const r = new PacketReader(packet);
  r.varInt();
  if (layout === 'i32') return BigInt(r.i32());
  if (layout === 'varint') return BigInt(r.varInt());
  return r.i64();
}
