/** Public surface of the Minecraft Java Edition codec: framing, fields, and the packets the proxy reads. */
export * from './varint.ts';
export { PacketReader } from './packet-reader.ts';
export { PacketWriter, encodePacket, encodeFrame, MAX_FRAME_LENGTH } from './packet-writer.ts';
export { offlineUuid, uuidToBytes, bytesToUuid, formatUuid } from './uuid.ts';
export { FrameSplitter } from './frame-splitter.ts';
export type { FrameSplitterOptions } from './frame-splitter.ts';
export { decodeCompressed, encodeCompressed, MAX_DECOMPRESSED } from './compression.ts';
export { createEncryptor, createDecryptor } from './cipher.ts';
export type { StreamCipher } from './cipher.ts';
export * from './packets/handshake.ts';
export * from './packets/login.ts';
export * from './packets/status.ts';
export * from './legacy.ts';
