// Generates the limbo's pre-encoded join sequences from minecraft-data (a devDependency via
// minecraft-protocol), so the proxy ships one compressed blob instead of minecraft-data.
//   node --import tsx kernel/limbo/data/generate.ts     (npm run gen:limbo)
// Run it after updating minecraft-protocol / minecraft-data; limbo-data.test.ts fails while the
// committed files differ from what this produces.
//
// Per protocol number (the ids generator's list: release data keyed by protocol), minecraft-protocol's
// own serializer encodes what a void world needs: on 1.20.2+ the configuration packets (registry
// data, finish configuration), then the play packets (join game in the End, abilities, position,
// spawn position, on 1.20.3+ the "start waiting for chunks" game event). The player is placed at
// y = 400 from 1.9, above the End's build height (0..256): from 1.19.3 the client leaves "Loading
// terrain" once the player's block is outside the build height (or its chunk is compiled), so no
// chunk is sent. Before 1.9 the player is placed at y = 64 (NanoLimbo does the same).
// Identical packets are stored once; the blob is brotli-compressed.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { collect } from '../../protocol/ids/generate.ts';

const require = createRequire(import.meta.url);
type Json = any; // minecraft-data's and minecraft-protocol's untyped values

const END = 'minecraft:the_end';
const ENTITY_ID = 1;
const ADVENTURE = 2;
/** Flying (0x02), so the player hovers; flying speed 0 keeps them in place. */
const ABILITY_FLAGS = 0x02;
const SPAWN_Y_OUTSIDE = 400;
const SPAWN_Y_LEGACY = 64;
const P_1_9 = 107;
const P_1_16 = 735;
const P_1_16_2 = 751;
const P_1_17 = 755;
const P_1_19 = 759;
const P_1_20_2 = 764;
const P_1_20_3 = 765;
const P_1_20_5 = 766;
/** game_state_change reason 13: level_chunks_load_start. */
const START_WAITING_FOR_CHUNKS = 13;

export type KeepAliveLayout = 'i32' | 'varint' | 'i64';

export interface LimboSequence {
  protocol: number;
  /** minecraft-data version string whose data was used. */
  version: string;
  /** Where the registry/dimension data came from (loginPacket.json's folder). */
  loginData: string | null;
  configuration: Buffer[];
  play: Buffer[];
  keepAlive: KeepAliveLayout;
  /** Registries present in this protocol's data (1.20.5+), for the gap report. */
  registries: string[];
}

function serializer(version: string, state: string): { createPacketBuffer(p: Json): Buffer } {
  return require('minecraft-protocol').createSerializer({ state, isServer: true, version });
}

function encode(version: string, state: string, name: string, params: Json): Buffer {
  return Buffer.from(serializer(version, state).createPacketBuffer({ name, params }));
}

function keepAliveLayout(protocolJson: Json): KeepAliveLayout {
  const field = protocolJson.play.toClient.types.packet_keep_alive[1][0];
  if (field.type === 'i32' || field.type === 'varint' || field.type === 'i64') return field.type;
  throw new Error(`keep_alive id has type ${JSON.stringify(field.type)}`);
}

function endDimensionIndex(codec: Json): number {
  const index = codec['minecraft:dimension_type'].entries.findIndex((e: Json) => e.key === END);
  if (index < 0) throw new Error('no minecraft:the_end dimension type');
  return index;
}

/** 1.16.2–1.18.2: the join packet carries the dimension type itself. */
function endDimensionElement(codec: Json): Json {
  const list = codec.value['minecraft:dimension_type'].value.value.value.value;
  const entry = list.find((e: Json) => e.name.value === END);
  if (!entry) throw new Error('no minecraft:the_end in the dimension codec');
  return { type: 'compound', name: '', value: entry.element.value };
}

function joinGame(protocol: number, data: Json): Json {
  if (protocol < P_1_16) {
    return {
      entityId: ENTITY_ID, gameMode: ADVENTURE, dimension: 1, difficulty: 0, maxPlayers: 1, levelType: 'flat',
      reducedDebugInfo: false, viewDistance: 2, hashedSeed: [0, 0], enableRespawnScreen: true,
    };
  }
  const login = data.loginPacket;
  const base = { ...login, entityId: ENTITY_ID, isHardcore: false, maxPlayers: 1, hashedSeed: [0, 0], enforcesSecureChat: false };
  if (protocol >= P_1_20_5) {
    const worldState = { ...login.worldState, dimension: endDimensionIndex(login.dimensionCodec), name: END, hashedSeed: [0, 0], gamemode: 'adventure', previousGamemode: 255, isDebug: false, isFlat: false, death: undefined, portalCooldown: 0 };
    return { ...base, worldState };
  }
  const common = { ...base, gameMode: ADVENTURE, previousGameMode: protocol >= P_1_17 ? -1 : 255, worldName: END, isDebug: false, isFlat: false, death: undefined };
  if (protocol >= P_1_19) return { ...common, worldType: END };
  if (protocol >= P_1_16_2) return { ...common, dimension: endDimensionElement(login.dimensionCodec) };
  return { ...common, dimension: END };
}

function position(protocol: number, protocolJson: Json): Json {
  const y = protocol >= P_1_9 ? SPAWN_Y_OUTSIDE : SPAWN_Y_LEGACY;
  const fields: Json[] = protocolJson.play.toClient.types.packet_position[1];
  const flagsType = fields.find((f) => f.name === 'flags')?.type;
  const flags = flagsType === 'PositionUpdateRelatives' ? {} : 0;
  return { x: 0.5, y, z: 0.5, dx: 0, dy: 0, dz: 0, yaw: 0, pitch: 0, flags, onGround: false, teleportId: 1, dismountVehicle: false };
}

function spawnPosition(protocol: number, protocolJson: Json): Json {
  const y = protocol >= P_1_9 ? SPAWN_Y_OUTSIDE : SPAWN_Y_LEGACY;
  const location = { x: 0, y, z: 0 };
  if (protocolJson.play.toClient.types.packet_spawn_position === 'RespawnData') {
    return { globalPos: { dimensionName: END, location }, yaw: 0, pitch: 0 };
  }
  return { location, angle: 0 };
}

function configuration(protocol: number, version: string, codec: Json): Buffer[] {
  const packets: Buffer[] = [];
  if (protocol >= P_1_20_5) {
    for (const key of Object.keys(codec)) packets.push(encode(version, 'configuration', 'registry_data', codec[key]));
  } else {
    packets.push(encode(version, 'configuration', 'registry_data', { codec }));
  }
  packets.push(encode(version, 'configuration', 'finish_configuration', {}));
  return packets;
}

function sequence(protocol: number, version: string): LimboSequence {
  const data = require('minecraft-data')(version);
  if (data.version.version !== protocol) throw new Error(`${version}: minecraft-data says protocol ${data.version.version}, expected ${protocol}`);
  const protocolJson = data.protocol;
  const loginData = protocol >= P_1_16 ? (require('minecraft-data/minecraft-data/data/dataPaths.json').pc[version].loginPacket as string) : null;
  const codec = data.loginPacket?.dimensionCodec;
  const play = [
    encode(version, 'play', 'login', protocol >= P_1_20_2 ? omit(joinGame(protocol, data), 'dimensionCodec') : joinGame(protocol, data)),
    encode(version, 'play', 'abilities', { flags: ABILITY_FLAGS, flyingSpeed: 0, walkingSpeed: 0.1 }),
    encode(version, 'play', 'position', position(protocol, protocolJson)),
    encode(version, 'play', 'spawn_position', spawnPosition(protocol, protocolJson)),
  ];
  if (protocol >= P_1_20_3) play.push(encode(version, 'play', 'game_state_change', { reason: START_WAITING_FOR_CHUNKS, gameMode: 0 }));
  return {
    protocol,
    version,
    loginData,
    configuration: protocol >= P_1_20_2 ? configuration(protocol, version, codec) : [],
    play,
    keepAlive: keepAliveLayout(protocolJson),
    registries: protocol >= P_1_20_5 ? Object.keys(codec) : [],
  };
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function omit(o: Json, key: string): Json {
  const { [key]: _, ...rest } = o;
  return rest;
}

export function sequences(): LimboSequence[] {
  return collect().map((d) => sequence(d.protocol, d.versions[d.versions.length - 1]));
}

/** The committed pair: the index module's text and the uncompressed blob (packets stored once). */
export function generate(): { source: string; blob: Buffer; list: LimboSequence[] } {
  const list = sequences();
  const pool: Buffer[] = [];
  const seen = new Map<string, number>();
  const ref = (packet: Buffer): number => {
    const key = createHash('sha256').update(packet).digest('hex');
    if (!seen.has(key)) seen.set(key, pool.push(packet) - 1);
    return seen.get(key)!;
  };
  const entries = list.map((s) => ({
    protocol: s.protocol,
    version: s.version,
    registryData: s.loginData?.replace(/^pc\//, '') ?? null,
    keepAlive: s.keepAlive,
    configuration: s.configuration.map(ref),
    play: s.play.map(ref),
  }));
  let offset = 0;
  const ranges = pool.map((p) => [offset, (offset += p.length)]);
  const mdVersion = require('minecraft-data/package.json').version;
  const lines = [
    `// GENERATED FILE, do not edit. Source: minecraft-data ${mdVersion} through minecraft-protocol's serializer.`,
    '// Regenerate with `npm run gen:limbo` (node --import tsx kernel/limbo/data/generate.ts); read through ./index.ts.',
    '// PACKETS: [start, end) of each unique packet (id + body) in the uncompressed limbo-packets.bin.br.',
    '// SEQUENCES: per protocol with data, the packets to send in configuration (1.20.2+) and play.',
    "// registryData names minecraft-data's loginPacket.json folder the dimension/registry data came from: where it",
    '// is not the version itself the data is a copy (1.21.4–1.21.8 carry 1.21.3\'s, 1.21.10 carries 1.21.9\'s, which',
    "// equals 1.21.1's registries), not yet verified against real clients of those versions.",
    '',
    "export type KeepAliveLayout = 'i32' | 'varint' | 'i64';",
    'export interface LimboSequenceIndex {',
    '  readonly protocol: number;',
    '  /** The minecraft-data version whose data was used. */',
    '  readonly version: string;',
    '  /** 1.16+: the loginPacket.json folder of the dimension/registry data (null before 1.16). */',
    '  readonly registryData: string | null;',
    '  readonly keepAlive: KeepAliveLayout;',
    '  readonly configuration: readonly number[];',
    '  readonly play: readonly number[];',
    '}',
    '',
    `export const BLOB_BYTES = ${offset};`,
    'export const PACKETS: readonly (readonly [number, number])[] = [',
    ...chunks(ranges.map((r) => JSON.stringify(r)), 10).map((row) => `  ${row.join(', ')},`),
    '];',
    'export const SEQUENCES: readonly LimboSequenceIndex[] = [',
    ...entries.map((e) => `  ${JSON.stringify(e).replace(/"(\w+)":/g, '$1: ').replace(/"/g, "'").replace(/,(?=\w)/g, ', ')},`),
    '];',
    '',
  ];
  return { source: lines.join('\n'), blob: Buffer.concat(pool), list };
}

export const INDEX_PATH = fileURLToPath(new URL('./limbo-packets.generated.ts', import.meta.url));
export const BLOB_PATH = fileURLToPath(new URL('./limbo-packets.bin.br', import.meta.url));

export function compress(blob: Buffer): Buffer {
  return brotliCompressSync(blob, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_LGWIN]: 24, [zlib.BROTLI_PARAM_SIZE_HINT]: blob.length } });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { source, blob, list } = generate();
  writeFileSync(INDEX_PATH, source);
  const compressed = compress(blob);
  writeFileSync(BLOB_PATH, compressed);
  console.log(`wrote ${INDEX_PATH} (${Buffer.byteLength(source)} bytes), ${BLOB_PATH} (${compressed.length} bytes, ${blob.length} uncompressed)`);
  for (const s of list) console.log(`${s.protocol} ${s.version} login data ${s.loginData ?? '-'} registries ${s.registries.length}`);
}
