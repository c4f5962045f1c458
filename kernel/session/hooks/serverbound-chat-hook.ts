/**
 * The serverbound chat family in play state, one PacketHook: chat lines (ChatMessage), command
 * lines (CommandExecute and proxy commands) and the chat session update.
 *
 * | Packet | Versions | What happens |
 * |---|---|---|
 * | `chat` | 1.7–1.18.2 | a line starting with `/` is a command, any other a chat line |
 * | `chat_message` | 1.19+ | chat line |
 * | `chat_command`, `chat_command_signed` | 1.19+, 1.20.5+ | command line |
 * | `chat_session_update` | 1.19.3+ | dropped: the backend sees an unsigned player (chat-hook.ts says why) |
 *
 * When the proxy drops a 1.19.3+ packet that acknowledged messages (its offset is not 0), it sends
 * `message_acknowledgement` with that offset in its place, as Velocity does for consumed commands,
 * so the backend's count of unacknowledged messages stays right.
 */
import { kernelIds, packetId } from '../../protocol/ids/index.ts';
import { PacketReader } from '../../protocol/packet-reader.ts';
import {
  CHAT_SESSIONS,
  CHAT_SIGNED,
  decodeChatCommand,
  decodeChatMessage,
  encodeMessageAcknowledgement,
  encodeUnsignedChatMessage,
  type ChatMessagePacket,
} from '../../protocol/packets/play-chat-serverbound.ts';
import type { HookResult, PacketHook } from '../packet-hooks.ts';
import type { PlayerChannel } from '../player-channel.ts';
import { handleChatLine, type ChatHookDeps, type ChatVerdict } from './chat-hook.ts';
import { handleCommandLine, type CommandHookDeps, type CommandVerdict } from './command-hook.ts';

export type ServerboundChatDeps = ChatHookDeps & CommandHookDeps;

export function serverboundChatHook(deps: ServerboundChatDeps): PacketHook {
  return {
    name: 'serverbound-chat',
    ids(protocol, state, direction) {
      if (state !== 'play' || direction !== 'serverbound') return [];
      const sb = kernelIds(protocol).play.sb;
      return [sb.chatMessage, sb.chatCommand, sb.chatCommandSigned, sb.chatSessionUpdate].filter((id) => id >= 0);
    },
    handle(channel, _state, _direction, packet) {
      const protocol = channel.protocol;
      const sb = kernelIds(protocol).play.sb;
      const id = new PacketReader(packet).varInt();
      if (id === sb.chatSessionUpdate) return protocol >= CHAT_SESSIONS ? null : undefined;
      if (id === sb.chatMessage) return onChat(deps, channel, packet, id);
      if (id === sb.chatCommand || id === sb.chatCommandSigned) {
        const decoded = decodeChatCommand(packet, protocol, id === sb.chatCommandSigned);
        return afterCommand(handleCommandLine(deps, channel, decoded.command), protocol, decoded.ackOffset);
      }
      return undefined;
    },
  };
}

function onChat(deps: ServerboundChatDeps, channel: PlayerChannel, packet: Buffer, id: number): HookResult | Promise<HookResult> {
  const protocol = channel.protocol;
  const decoded = decodeChatMessage(packet, protocol);
  if (protocol < CHAT_SIGNED && decoded.message.startsWith('/')) {
    return afterCommand(handleCommandLine(deps, channel, decoded.message.slice(1)), protocol, 0);
  }
  const verdict = handleChatLine(deps, channel, decoded.message);
  const apply = (v: ChatVerdict): HookResult => chatResult(v, decoded, id, protocol);
  return verdict instanceof Promise ? verdict.then(apply) : apply(verdict);
}

function chatResult(verdict: ChatVerdict, decoded: ChatMessagePacket, id: number, protocol: number): HookResult {
  if (verdict.kind === 'pass') return undefined;
  if (verdict.kind === 'drop') return dropped(protocol, decoded.ackOffset);
  return encodeUnsignedChatMessage(id, decoded, verdict.text, protocol);
}

function afterCommand(verdict: CommandVerdict | Promise<CommandVerdict>, protocol: number, ackOffset: number): HookResult | Promise<HookResult> {
  const apply = (v: CommandVerdict): HookResult => (v === 'forward' ? undefined : dropped(protocol, ackOffset));
  return verdict instanceof Promise ? verdict.then(apply) : apply(verdict);
}

/** Nothing, or the acknowledgement the dropped packet carried. */
function dropped(protocol: number, ackOffset: number): HookResult {
  if (ackOffset <= 0) return null;
  const ackId = packetId(protocol, 'play', 'serverbound', 'message_acknowledgement');
  return ackId < 0 ? null : encodeMessageAcknowledgement(ackId, ackOffset);
}
