/**
 * Renders the limbo's void world to one client: replays the pre-encoded join sequence of its
 * protocol (kernel/limbo/data). A client in the configuration state (1.20.2+) first gets the
 * registry data and finish configuration, and the play packets follow its acknowledgement.
 *
 * Called by the handler chain (handler-chain.ts) on the first hold of a server's limbo_handlers.
 */
import { InfrarustError } from '../errors.ts';
import type { PacketConn } from '../net/packet-conn.ts';
import { encodeCompressed } from '../protocol/compression.ts';
import { kernelIds } from '../protocol/ids/index.ts';
import { encodeFrame } from '../protocol/packet-writer.ts';
import { readVarInt } from '../protocol/varint.ts';
import { limboSequence } from './data/index.ts';

export type LimboEntryState = 'configuration' | 'play';

/** How long a client in configuration may take to acknowledge finish configuration. */
export const CONFIGURATION_TIMEOUT_MS = 30_000;
/** 1.7.2–1.7.10 clients switch to play asynchronously; packets sent at once can be lost (NanoLimbo waits too). */
const LEGACY_PLAY_DELAY_MS = 100;
const PROTOCOL_1_8 = 47;

/**
 * Sends the void world to `conn`, a client that just finished login (`'play'` before 1.20.2,
 * `'configuration'` from 1.20.2, after Login Acknowledged). Resolves once the play packets are
 * written; the caller then starts keepalives and reads the player's packets.
 * @example await sendLimboWorld(conn, 769, 'configuration'); const keepAlive = startKeepAlive(conn, 769);
 */
export async function sendLimboWorld(conn: PacketConn, protocol: number, state: LimboEntryState, over?: OverWorld): Promise<void> {
  const sequence = limboSequence(protocol);
  if (sequence === undefined) throw new InfrarustError('IR_ERR_LIMBO_NO_DATA', `the limbo has no world for protocol ${protocol}`);
  if (state === 'configuration') {
    if (sequence.configuration.length === 0) throw new InfrarustError('IR_ERR_LIMBO_NO_DATA', `protocol ${protocol} has no configuration state`);
    for (const packet of sequence.configuration) conn.queueRaw(frameFor(packet, conn.threshold));
    conn.flush();
    await awaitFinishConfiguration(conn, protocol);
  } else if (protocol < PROTOCOL_1_8 && over === undefined) {
    await new Promise((resolve) => setTimeout(resolve, LEGACY_PLAY_DELAY_MS));
  }
  const [join, ...rest] = sequence.play;
  if (over !== undefined && state === 'play') for (const packet of [...(over.before ?? []), ...over.replaceJoin(join)]) conn.queue(packet);
  else conn.queueRaw(frameFor(join, conn.threshold));
  for (const packet of rest) conn.queueRaw(frameFor(packet, conn.threshold));
  conn.flush();
}

/**
 * A client already in play on a backend's world (before 1.20.2, no configuration state to go
 * back to): `before` clears what the backend showed, `replaceJoin` turns the limbo's Join Game
 * into what moves such a client (the session layer's dimension-change sequence).
 */
export interface OverWorld {
  readonly before?: readonly Buffer[];
  replaceJoin(joinGame: Buffer): Buffer[];
}

/** Frames of the shared packets per compression threshold: registry data is deflated once, not per join. */
const frames = new WeakMap<Buffer, Map<number, Buffer>>();

/**
 * `packet` framed (and compressed) for a connection with `threshold` (-1: off), made once and reused.
 * @example conn.queueRaw(frameFor(limboSequence(769)!.play[0], conn.threshold))
 */
export function frameFor(packet: Buffer, threshold: number): Buffer {
  let byThreshold = frames.get(packet);
  if (!byThreshold) frames.set(packet, (byThreshold = new Map()));
  let frame = byThreshold.get(threshold);
  if (!frame) byThreshold.set(threshold, (frame = threshold >= 0 ? encodeCompressed(packet, threshold) : encodeFrame(packet)));
  return frame;
}

/** Reads the client's configuration packets (client information, brand, …) until it acknowledges. */
async function awaitFinishConfiguration(conn: PacketConn, protocol: number): Promise<void> {
  const finish = kernelIds(protocol).config.sb.finishConfiguration;
  const deadline = Date.now() + CONFIGURATION_TIMEOUT_MS;
  for (;;) {
    const packet = await conn.read(Math.max(1, deadline - Date.now()), 'finish configuration acknowledgement');
    if (readVarInt(packet, 0)?.value === finish) return;
  }
}
