/**
 * UUIDs as players see them: dashed lowercase hex. The session server answers undashed; offline
 * players get vanilla's name-based UUID, which must match vanilla's exactly or a server that
 * switches modes files the player's data under another id.
 */
import { createHash } from 'node:crypto';

const HEX32 = /^[0-9a-f]{32}$/;

/** Dashed lowercase form of a UUID written with or without dashes; undefined when it is not one. */
export function dashedUuid(text: string): string | undefined {
  const hex = text.length === 36 && /^[^-]{8}-[^-]{4}-[^-]{4}-[^-]{4}-[^-]{12}$/.test(text) ? text.replaceAll('-', '') : text;
  const lower = hex.toLowerCase();
  if (!HEX32.test(lower)) return undefined;
  return `${lower.slice(0, 8)}-${lower.slice(8, 12)}-${lower.slice(12, 16)}-${lower.slice(16, 20)}-${lower.slice(20)}`;
}

/**
 * Vanilla's offline UUID: Java's `UUID.nameUUIDFromBytes("OfflinePlayer:" + name)`, a version 3
 * (MD5) UUID. @example offlineUuid('Notch') // 'b50ad385-829d-3141-a216-7e7d7539ba7f'
 */
export function offlineUuid(name: string): string {
  const bytes = createHash('md5').update(`OfflinePlayer:${name}`, 'utf8').digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x30; // version 3
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // IETF variant
  return dashedUuid(bytes.toString('hex'))!;
}
