/**
 * Reads what a player held in limbo sends: keepalive answers go to the keepalive loop, chat
 * lines and commands (signed or not, legacy chat on old versions) to `onChat`, everything
 * else (movement, client settings, teleport confirmations, ids the limbo does not know) is
 * dropped unread.
 *
 * A packet the limbo does read but cannot decode (a chat line over the era's limit, a truncated
 * body, a compressed frame that does not inflate, a signed command with more argument signatures
 * than vanilla reads) ends that player only, and with a reason: the
 * disconnect is sent and the connection closed gracefully (as a vanilla server kicks on a decoder
 * error), instead of the socket being destroyed with no word to the player.
 */
import { InfrarustError } from '../errors.ts';
import type { PacketConn } from '../net/packet-conn.ts';
import { kernelIds } from '../protocol/ids/index.ts';
import { encodeDisconnect } from '../protocol/packets/disconnect.ts';
import { PacketReader } from '../protocol/packet-reader.ts';
import { readVarInt } from '../protocol/varint.ts';
import { CHAT_SIGNED, COMMAND_SPLIT, decodeChatCommand, decodeChatMessage, maxChatLength } from '../protocol/packets/play-chat-serverbound.ts';
import type { KeepAlive } from './keep-alive.ts';

export interface LimboChat {
  /** What the player typed; a command without its `/`. */
  readonly text: string;
  readonly command: boolean;
  /** The client signed it (1.19+). */
  readonly signed: boolean;
}

export interface LimboReaderOptions {
  onChat: (chat: LimboChat) => void;
  keepAlive?: KeepAlive;
  /** A packet could not be read: the player was sent a disconnect with the reason and the connection is ending. */
  onBadPacket?: (err: Error) => void;
}

/** Vanilla reads at most 8 argument signatures with a command (ArgumentSignatures.MAX_ARGUMENT_COUNT) and kicks past that. */
export const MAX_ARGUMENT_SIGNATURES = 8;

/** The start of the disconnect reason a player gets for a packet the limbo could not read. */
export const BAD_PACKET_REASON = 'Bad packet from your client';
/** How long a kicked client has to read its disconnect before the socket is destroyed. */
const KICK_LINGER_MS = 1000;

/**
 * Consumes `conn`'s packets until the returned function is called. A malformed chat packet, or
 * a line over the era's limit (100 characters before 1.11, 256 after), kicks the player with
 * BAD_PACKET_REASON and the cause and stops reading; an exception from `onChat` still ends the
 * connection at once (PacketConn fails and destroys it).
 * @example const stop = readLimboPackets(conn, 769, { onChat: (c) => log.info(c), keepAlive });
 */
export function readLimboPackets(conn: PacketConn, protocol: number, options: LimboReaderOptions): () => void {
  const sb = kernelIds(protocol).play.sb;
  const read = (packet: Buffer): LimboChat | undefined => {
    const id = readVarInt(packet, 0)?.value;
    if (id === sb.keepAlive) options.keepAlive?.answer(packet);
    else if (id === sb.chatMessage) return chatLine(packet, protocol);
    else if (id === sb.chatCommand) return command(packet, protocol, false);
    else if (id === sb.chatCommandSigned) return command(packet, protocol, true);
    return undefined;
  };
  conn.consume(function limboPacket(body) {
    let chat: LimboChat | undefined;
    try {
      chat = read(conn.decode(body));
    } catch (err) {
      kick(conn, protocol, err as Error, options);
      return;
    }
    if (chat !== undefined) options.onChat(chat);
  });
  return () => conn.consume(undefined);
}

function kick(conn: PacketConn, protocol: number, err: Error, options: LimboReaderOptions): void {
  options.keepAlive?.stop();
  const reason = err instanceof InfrarustError ? `${BAD_PACKET_REASON}: ${err.message}` : BAD_PACKET_REASON;
  const disconnect = encodeDisconnect(protocol, 'play', reason);
  if (disconnect) conn.queue(disconnect);
  conn.end(KICK_LINGER_MS);
  options.onBadPacket?.(err);
}

function chatLine(packet: Buffer, protocol: number): LimboChat {
  const chat = decodeChatMessage(packet, protocol);
  if (chat.message.length > maxChatLength(protocol)) {
    throw new InfrarustError('IR_ERR_PROTO_STRING_TOO_LONG', `a chat line of ${chat.message.length} characters (the limit is ${maxChatLength(protocol)})`);
  }
  if (protocol < CHAT_SIGNED && chat.message.startsWith('/')) return { text: chat.message.slice(1), command: true, signed: false };
  return { text: chat.message, command: false, signed: chat.signed };
}

function command(packet: Buffer, protocol: number, signedLayout: boolean): LimboChat {
  if (signedLayout || protocol < COMMAND_SPLIT) checkSignatureCount(packet);
  const c = decodeChatCommand(packet, protocol, signedLayout);
  return { text: c.command, command: true, signed: c.signed };
}

/** Signed command layouts (1.19+) start with the command, timestamp, salt and the signature count. */
function checkSignatureCount(packet: Buffer): void {
  const r = new PacketReader(packet);
  r.varInt();
  r.string(256);
  r.i64();
  r.i64();
  const count = r.varInt();
  if (count > MAX_ARGUMENT_SIGNATURES) {
    throw new InfrarustError('IR_ERR_PROTO_FIELD_INVALID', `a command with ${count} argument signatures (the limit is ${MAX_ARGUMENT_SIGNATURES})`);
  }
}
