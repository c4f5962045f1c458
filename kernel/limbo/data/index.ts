/**
 * The limbo's pre-encoded join sequences, per protocol: read from limbo-packets.bin.br (brotli,
 * about 23 KB, made by ./generate.ts from minecraft-data at build time) on first use and kept
 * as one buffer; each packet is a view into it, shared by every player of that version.
 */
import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { dataProtocol } from '../../protocol/ids/index.ts';
import { BLOB_BYTES, PACKETS, SEQUENCES, type KeepAliveLayout } from './limbo-packets.generated.ts';

export type { KeepAliveLayout };

export interface LimboSequence {
  /** The protocol whose data the packets come from. */
  readonly dataProtocol: number;
  /**
   * minecraft-data's folder of the registry/dimension data (null before 1.16). When it names an
   * older version than the client's (1.21.4–1.21.8: '1.21.3'; 1.21.10: '1.21.9', itself 1.21.1's
   * registries) the data is a copy that real clients of that version may reject.
   */
  readonly registryData: string | null;
  /** 1.20.2+: registry data, then finish configuration (id + body each). */
  readonly configuration: readonly Buffer[];
  /** Join game, abilities, position, spawn position (+ start waiting for chunks on 1.20.3+). */
  readonly play: readonly Buffer[];
  /** How the keepalive id is encoded: i32 (1.7), VarInt (1.8–1.12.1), i64 (1.12.2+). */
  readonly keepAlive: KeepAliveLayout;
}

let packets: Buffer[] | undefined;
const bySequence = new Map<number, LimboSequence>();

function loadPackets(): Buffer[] {
  if (packets) return packets;
  const blob = brotliDecompressSync(readFileSync(new URL('./limbo-packets.bin.br', import.meta.url)));
  if (blob.length !== BLOB_BYTES) throw new Error(`limbo-packets.bin.br holds ${blob.length} bytes, the index expects ${BLOB_BYTES}`);
  packets = PACKETS.map(([start, end]) => blob.subarray(start, end));
  return packets;
}

/**
 * The limbo join sequence for `protocol` (a version without data of its own uses its
 * neighbour's, as packet ids do), or undefined when the proxy has no data for it.
 * @example limboSequence(769)?.play.length // 5
 */
export function limboSequence(protocol: number): LimboSequence | undefined {
  const data = dataProtocol(protocol);
  if (data === undefined) return undefined;
  const cached = bySequence.get(data);
  if (cached) return cached;
  const entry = SEQUENCES.find((s) => s.protocol === data);
  if (!entry) return undefined;
  const all = loadPackets();
  const sequence: LimboSequence = Object.freeze({
    dataProtocol: data,
    registryData: entry.registryData,
    configuration: Object.freeze(entry.configuration.map((i) => all[i])),
    play: Object.freeze(entry.play.map((i) => all[i])),
    keepAlive: entry.keepAlive,
  });
  bySequence.set(data, sequence);
  return sequence;
}
