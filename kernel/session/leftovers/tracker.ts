/**
 * One kind of state a backend leaves in the client (boss bars, tab list, scoreboard), tracked from
 * the clientbound play packets the backend sends so that a server switch can remove it again.
 * `see` may throw on a packet it cannot decode: the caller then leaves that packet untracked and
 * passes it on unchanged (tracking never breaks the stream).
 */
import { PacketReader } from '../../protocol/packet-reader.ts';

export interface LeftoverTracker {
  /** The clientbound play packet ids it reads (-1s left out by the caller). */
  readonly ids: readonly number[];
  /** Records what packet `id` (id + body) adds or removes. */
  see(id: number, packet: Buffer): void;
  /** The client built a new world (a backend's own Join Game): state kept with the world is gone. */
  joinGame(): void;
  /** The packets that remove everything tracked; forgets it. */
  clear(): Buffer[];
}

/** Longest string or byte array a tracker skips over (a Minecraft string is at most 32767 UTF-16 units). */
const SKIP_MAX = 32767 * 3;

/** A reader past the packet id. */
export function bodyReader(packet: Buffer): PacketReader {
  const r = new PacketReader(packet);
  r.varInt();
  return r;
}

/** Skips a VarInt-prefixed string or byte array. */
export function skipBytes(r: PacketReader): void {
  r.byteArray(SKIP_MAX);
}

/** Skips an optional (bool-prefixed) string. */
export function skipOptionalString(r: PacketReader): void {
  if (r.bool()) skipBytes(r);
}
