/**
 * Reads what a player held in limbo sends: keepalive answers go to the keepalive loop, chat
 * lines and commands (signed or not, legacy chat on old versions) to `onChat`, everything
 * else (movement, client settings, teleport confirmations) is dropped unread.
 */
import { InfrarustError } from '../errors.ts';
import type { PacketConn } from '../net/packet-conn.ts';
import { kernelIds } from '../protocol/ids/index.ts';
import { readVarInt } from '../protocol/varint.ts';
import { CHAT_SIGNED, decodeChatCommand, decodeChatMessage, maxChatLength } from '../protocol/packets/play-chat-serverbound.ts';
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
}

/**
 * Consumes `conn`'s packets until the returned function is called. A malformed chat packet, or
 * a line over the era's limit (100 characters before 1.11, 256 after), throws inside the
 * consumer, which ends the connection (PacketConn fails and destroys it).
 * @example const stop = readLimboPackets(conn, 769, { onChat: (c) => log.info(c), keepAlive });
 */
export function readLimboPackets(conn: PacketConn, protocol: number, options: LimboReaderOptions): () => void {
  const sb = kernelIds(protocol).play.sb;
  conn.consume(function limboPacket(body) {
    const packet = conn.decode(body);
    const id = readVarInt(packet, 0)?.value;
    if (id === sb.keepAlive) options.keepAlive?.answer(packet);
    else if (id === sb.chatMessage) options.onChat(chatLine(packet, protocol));
    else if (id === sb.chatCommand) options.onChat(command(packet, protocol, false));
    else if (id === sb.chatCommandSigned) options.onChat(command(packet, protocol, true));
  });
  return () => conn.consume(undefined);
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
  const c = decodeChatCommand(packet, protocol, signedLayout);
  return { text: c.command, command: true, signed: c.signed };
}
