/**
 * Packet ids per protocol number, from the tables generate.ts builds out of minecraft-data
 * (packet-ids.generated.ts; minecraft-data itself is a devDependency and never loaded at runtime).
 * Names are minecraft-data's packet names ('system_chat', 'custom_payload', 'kick_disconnect', …).
 *
 * Supported protocols: every release from 1.7.2 (4) to the newest one in the tables (26.1–26.1.2 = 775
 * with minecraft-data 3.117; 26.2 = 776 and later are listed there without data, so unsupported).
 * Releases sharing a protocol number share its data (1.21.7 and 1.21.8 are both 772, 1.21.8's data).
 * Three releases have no data of their own and read a neighbour's (`dataProtocol` says which):
 * - 4 (1.7.2–1.7.5) reads 5's data (1.7.6–1.7.10): 1.7.6 changed field formats, not packet ids;
 * - 108 (1.9.1) reads 107 (1.9), 485 (1.14.2) reads 480 (1.14.1): minecraft-data has no release data
 *   for them, and the neighbours on both sides (and its 1.9.1-pre2 data) have the same ids.
 * Any other number inside the range reads the nearest lower protocol with data (there are no
 * releases there; snapshots are not supported). Below 4 or above the newest: no data, `packetId`
 * answers -1, `packetName` undefined and `kernelIds` a table of -1 — callers that must decode
 * check `dataProtocol(p) !== undefined` first and relay such connections untouched.
 *
 * Known minecraft-data quirk (3.117): 1.21–1.21.5 (767–770) list custom_report_details (8) and
 * server_links (9) as serverbound configuration packets; vanilla sends them clientbound only.
 * Lookups of real packets are unaffected; packetName answers those names for ids 8 and 9.
 */

export { dataProtocol, packetId, packetName, brigadierStringParser } from './tables.ts';
export type { ProtocolState, Direction } from './tables.ts';
export { kernelIds } from './kernel-ids.ts';
export type { KernelIds } from './kernel-ids.ts';
