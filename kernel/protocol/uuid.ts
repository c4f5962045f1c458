/**
 * UUIDs as the protocol carries them (16 raw bytes, big-endian) and as humans write them (dashed
 * lowercase hex). Offline-mode UUIDs must equal vanilla's or player data ends up under another id.
 */
import { createHash } from 'node:crypto';

const UNDASHED = /^[0-9a-fA-F]{32}$/;
const DASHED = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Dashes 32 lowercase hex digits: 8-4-4-4-12. */
function dash(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Normalises a UUID written dashed or as 32 undashed hex digits to dashed lowercase.
 * Throws TypeError on anything else: UUID strings come from config or plugins, so a bad one is a bug.
 */
export function formatUuid(uuid: string): string {
  if (DASHED.test(uuid)) return uuid.toLowerCase();
  if (UNDASHED.test(uuid)) return dash(uuid.toLowerCase());
  throw new TypeError(`not a UUID: ${JSON.stringify(uuid)} (expected 32 hex digits, dashed or not)`);
}

/** Reads 16 bytes at `offset` as a dashed lowercase UUID. */
export function bytesToUuid(buf: Buffer, offset = 0): string {
  if (offset + 16 > buf.length) throw new RangeError('bytesToUuid needs 16 bytes');
  return dash(buf.toString('hex', offset, offset + 16));
}

/** The 16 protocol bytes of a UUID written dashed or undashed. */
export function uuidToBytes(uuid: string): Buffer {
  return Buffer.from(formatUuid(uuid).replace(/-/g, ''), 'hex');
}

/**
 * Vanilla's offline-mode UUID: `UUID.nameUUIDFromBytes(("OfflinePlayer:" + name).getBytes(UTF_8))`,
 * i.e. an MD5 name-based (version 3) UUID. offlineUuid('Notch') === 'b50ad385-829d-3141-a216-7e7d7539ba7f'.
 */
export function offlineUuid(name: string): string {
  const hash = createHash('md5').update(`OfflinePlayer:${name}`, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x30;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  return bytesToUuid(hash);
}
