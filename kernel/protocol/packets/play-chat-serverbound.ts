/**
 * Serverbound chat and commands in play state, per protocol era: what the player typed, whether
 * the client signed it, and what a re-encoded unsigned copy needs. Packets are id + body; the
 * caller picked the id (kernel/protocol/ids) and passes the era by protocol number.
 *
 * | Era | chat | command |
 * |---|---|---|
 * | 1.7–1.18.2 (≤ 758) | `chat`: String (100 chars before 1.11, 256 after) | the same packet, text starting with `/` |
 * | 1.19 (759) | `chat_message`: message, timestamp, salt, signature (VarInt bytes), signedPreview | `chat_command`: command, timestamp, salt, argument signatures (name + VarInt bytes), signedPreview |
 * | 1.19.1–1.19.2 (760) | + last seen list, optional last rejected | + the same |
 * | 1.19.3–1.20.4 (761–765) | message, timestamp, salt, optional 256-byte signature, offset VarInt, 3-byte acknowledged | command, timestamp, salt, argument signatures (name + 256 bytes), offset, acknowledged |
 * | 1.20.5–1.21.4 (766–769) | as 761 | `chat_command`: command only; `chat_command_signed`: the 761 layout |
 * | 1.21.5+ (770+) | + checksum byte | `chat_command_signed` + checksum byte |
 */
import { PacketReader } from '../packet-reader.ts';
import { PacketWriter } from '../packet-writer.ts';

/** 1.19: signed messages; 1.19.1: last-seen lists; 1.19.3: chat sessions and offset acknowledgements; 1.20.5: unsigned chat_command. */
export const CHAT_SIGNED = 759;
export const CHAT_LAST_SEEN = 760;
export const CHAT_SESSIONS = 761;
export const COMMAND_SPLIT = 766;

/** The longest chat line a client may send: 100 characters before 1.11 (315), 256 after. */
export function maxChatLength(protocol: number): number {
  return protocol < 315 ? 100 : 256;
}

/** What a serverbound chat packet holds. */
export interface ChatMessagePacket {
  readonly message: string;
  /** The client signed it (1.19+ with a non-empty signature). */
  readonly signed: boolean;
  /** 1.19.3+: messages the client acknowledges with this packet (0 before). */
  readonly ackOffset: number;
  /** 1.19+: the timestamp and salt, kept when re-encoding. */
  readonly timestamp: bigint;
  readonly salt: bigint;
  /** 1.19+: the bytes after the signature (and 1.19–1.19.2's preview flag), copied verbatim when re-encoding. */
  readonly tail: Buffer;
}

/** A serverbound command: the line without its `/`. */
export interface ChatCommandPacket {
  readonly command: string;
  /** The client signed some of its arguments. */
  readonly signed: boolean;
  /** 1.19.3+ signed layouts: messages acknowledged with this packet (0 otherwise). */
  readonly ackOffset: number;
}

const TEXT_MAX = 256;
/** 1.19–1.19.2 signatures are length-prefixed (an RSA-2048 signature is 256 bytes); a little room. */
const KEYED_SIGNATURE_MAX = 512;

/** Decodes `chat` (≤ 1.18.2) or `chat_message` (1.19+): id + body. */
export function decodeChatMessage(packet: Buffer, protocol: number): ChatMessagePacket {
  const r = new PacketReader(packet);
  r.varInt();
  const message = r.string(TEXT_MAX);
  if (protocol < CHAT_SIGNED) return { message, signed: false, ackOffset: 0, timestamp: 0n, salt: 0n, tail: Buffer.alloc(0) };
  const timestamp = r.i64();
  const salt = r.i64();
  if (protocol < CHAT_SESSIONS) {
    const signature = r.byteArray(KEYED_SIGNATURE_MAX);
    r.bool(); // signed preview
    return { message, signed: signature.length > 0, ackOffset: 0, timestamp, salt, tail: r.rest() };
  }
  const signed = r.bool();
  if (signed) r.bytes(256);
  const tail = r.rest();
  const ackOffset = new PacketReader(tail).varInt();
  return { message, signed, ackOffset, timestamp, salt, tail };
}

/**
 * An unsigned `chat`/`chat_message` carrying `text` (cut to the era's limit) in place of
 * `original`'s message: same timestamp, salt and acknowledgements, no signature.
 */
export function encodeUnsignedChatMessage(id: number, original: ChatMessagePacket, text: string, protocol: number): Buffer {
  const w = new PacketWriter(32 + text.length * 3 + original.tail.length).varInt(id).string(text.slice(0, maxChatLength(protocol)));
  if (protocol < CHAT_SIGNED) return w.toBuffer();
  w.i64(original.timestamp).i64(original.salt);
  if (protocol < CHAT_SESSIONS) w.varInt(0).bool(false); // empty signature, no signed preview
  else w.bool(false); // no signature
  return w.bytes(original.tail).toBuffer();
}

/**
 * Decodes `chat_command` (1.19+) or, with `signedLayout`, `chat_command_signed` (1.20.5+); from
 * 1.20.5 `chat_command` holds the command only.
 */
export function decodeChatCommand(packet: Buffer, protocol: number, signedLayout = false): ChatCommandPacket {
  const r = new PacketReader(packet);
  r.varInt();
  const command = r.string(TEXT_MAX);
  if (protocol >= COMMAND_SPLIT && !signedLayout) return { command, signed: false, ackOffset: 0 };
  r.i64(); // timestamp
  r.i64(); // salt
  const count = r.varInt();
  for (let i = 0; i < count; i++) {
    r.string(TEXT_MAX);
    if (protocol < CHAT_SESSIONS) r.byteArray(KEYED_SIGNATURE_MAX);
    else r.bytes(256);
  }
  if (protocol < CHAT_SESSIONS) return { command, signed: count > 0, ackOffset: 0 };
  return { command, signed: count > 0, ackOffset: r.varInt() };
}

/** `message_acknowledgement` (1.19.3+): the client saw `offset` more messages. */
export function encodeMessageAcknowledgement(id: number, offset: number): Buffer {
  return new PacketWriter(8).varInt(id).varInt(offset).toBuffer();
}
