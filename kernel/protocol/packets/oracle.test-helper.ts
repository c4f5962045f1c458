/**
 * minecraft-protocol as a test oracle: its serializers give byte-exact reference encodings.
 * Optional: tests using it are skipped when the devDependency is not installed.
 */
import { createRequire } from 'node:module';

interface Codec {
  createPacketBuffer(packet: { name: string; params: Record<string, unknown> }): Buffer;
  parsePacketBuffer(buf: Buffer): { data: { name: string; params: Record<string, unknown> } };
}
interface MinecraftProtocol {
  createSerializer(o: { state: string; isServer: boolean; version: string }): Codec;
  createDeserializer(o: { state: string; isServer: boolean; version: string }): Codec;
}

function load(): MinecraftProtocol | undefined {
  try {
    return createRequire(import.meta.url)('minecraft-protocol') as MinecraftProtocol;
  } catch {
    return undefined;
  }
}

export const mc = load();
/** Pass as the `skip` option of a test that needs the oracle. */
export const skipWithoutOracle = mc === undefined ? 'minecraft-protocol is not installed' : false;

/** Packet bytes (id + body) as minecraft-protocol encodes them; `isServer` = sent by the server. */
export function oracleEncode(version: string, state: string, isServer: boolean, name: string, params: Record<string, unknown>): Buffer {
  return mc!.createSerializer({ state, isServer, version }).createPacketBuffer({ name, params });
}

/** minecraft-protocol's parse of packet bytes received by the side named by `isServer`. */
export function oracleDecode(version: string, state: string, isServer: boolean, packet: Buffer): Record<string, unknown> {
  return mc!.createDeserializer({ state, isServer, version }).parsePacketBuffer(packet).data.params;
}
