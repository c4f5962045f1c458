/**
 * A server switch before 1.20.2 (no configuration state to go back to): the new backend's Join
 * Game is what moves the client, as Velocity does it per era.
 *   1.16+   the client builds a new world for every Join Game: it is passed on as it came.
 *   < 1.16  a Join Game into the dimension the client is already in keeps its old chunks and
 *           entities, so the Join Game is sent with another dimension (0 ↔ -1) and a Respawn into
 *           the real one follows: the dimension change makes the client drop the old world.
 * Before it, what the client holds outside the world: the title is reset (1.8+), and the old
 * server's boss bars, tab list entries and header, scoreboard objectives and teams are removed
 * (client-leftovers.ts tracks them; docs/architecture.md).
 */
import { kernelIds, packetId } from '../protocol/ids/index.ts';
import { PacketReader } from '../protocol/packet-reader.ts';
import { PacketWriter } from '../protocol/packet-writer.ts';
import { packetOf, PV } from '../protocol/packets/protocol-versions.ts';

/** 1.9.1: Join Game's dimension becomes an int. 1.14: difficulty leaves Join Game and Respawn. 1.15: the hashed seed. */
const V1_9_1 = 108;
const V1_14 = 477;
const V1_15 = 573;

interface OldJoin {
  gameMode: number;
  dimension: number;
  /** Where the dimension field starts and how wide it is. */
  dimensionAt: number;
  dimensionBytes: 1 | 4;
  difficulty: number;
  hashedSeed: bigint;
  levelType: string;
}

/** The packets that replace the new backend's Join Game towards a client already in play. */
export function switchPackets(protocol: number, joinGame: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const reset = titleReset(protocol);
  if (reset !== undefined) out.push(reset);
  if (protocol >= PV.V1_16) {
    out.push(joinGame);
    return out;
  }
  const join = decodeOldJoin(protocol, joinGame);
  const other = join.dimension === 0 ? -1 : 0;
  const moved = Buffer.from(joinGame);
  if (join.dimensionBytes === 1) moved.writeInt8(other, join.dimensionAt);
  else moved.writeInt32BE(other, join.dimensionAt);
  out.push(moved, encodeOldRespawn(protocol, join));
  return out;
}

function decodeOldJoin(protocol: number, packet: Buffer): OldJoin {
  const r = new PacketReader(packet);
  r.varInt();
  r.i32(); // entity id
  const gameMode = r.u8();
  const dimensionAt = r.offset;
  const dimensionBytes = protocol >= V1_9_1 ? 4 : 1;
  const dimension = dimensionBytes === 4 ? r.i32() : (r.bytes(1).readInt8(0));
  const difficulty = protocol < V1_14 ? r.u8() : 0;
  const hashedSeed = protocol >= V1_15 ? r.i64() : 0n;
  r.u8(); // max players
  const levelType = r.string(16);
  return { gameMode, dimension, dimensionAt, dimensionBytes, difficulty, hashedSeed, levelType };
}

/** Respawn before 1.16: dimension, [hashed seed 1.15], [difficulty before 1.14], game mode, level type. */
function encodeOldRespawn(protocol: number, join: OldJoin): Buffer {
  const w = new PacketWriter(32).i32(join.dimension);
  if (protocol >= V1_15) w.i64(join.hashedSeed);
  if (protocol < V1_14) w.u8(join.difficulty);
  w.u8(join.gameMode & 0x7).string(join.levelType);
  return packetOf(kernelIds(protocol).play.cb.respawn, w.toBuffer());
}

/** Clears the old server's title: the title packet's reset action (1.8–1.16.5), Clear Titles (1.17+). */
export function titleReset(protocol: number): Buffer | undefined {
  if (protocol < PV.V1_8) return undefined;
  if (protocol >= PV.V1_17) {
    const id = packetId(protocol, 'play', 'clientbound', 'clear_titles');
    return id < 0 ? undefined : packetOf(id, Buffer.from([1]));
  }
  const id = kernelIds(protocol).play.cb.title;
  const reset = protocol >= PV.V1_11 ? 5 : 4;
  return packetOf(id, new PacketWriter(2).varInt(reset).toBuffer());
}
