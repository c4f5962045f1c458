/**
 * Chat typed by intercepted players: `ChatMessage` fires (awaited; the stream waits) and its
 * result decides: Denied drops the message (its reason, when not empty, is shown to the player),
 * Modify<string> replaces the text (the Rust anchor ignores modify; we don't), anything else
 * passes the packet untouched, signature and all.
 *
 * Signed chat (1.19+). A changed message cannot keep the client's signature, so it is re-encoded
 * unsigned (same timestamp, salt and acknowledgements). That is only accepted because the backend
 * treats intercepted players as unsigned: the proxy's Login Start to the backend carries no
 * profile key (1.19–1.19.2) and the serverbound `chat_session_update` is dropped (1.19.3+, see
 * serverbound-chat-hook.ts). Velocity instead keeps the session and, when a plugin cancels or
 * changes a signed message on 1.19.1+, disconnects the player ("A proxy plugin caused an illegal
 * protocol state"); stripping the session (what the UnSignedVelocity plugin does) keeps the
 * player connected and chat working. The cost: intercepted players' chat is unsigned, so it cannot
 * be reported to Mojang and clients may mark it "not secure".
 */
import type { EventMap } from '../../../sdk/events.ts';
import type { EventBus } from '../../layers/event-bus.ts';
import type { PlayerChannel } from '../player-channel.ts';
import { replyTo, type PlayerLookup } from './command-hook.ts';
import { channelPlayerRef } from '../event-refs.ts';

export interface ChatHookDeps {
  readonly events: EventBus;
  readonly players: PlayerLookup;
}

export type ChatVerdict = { readonly kind: 'pass' } | { readonly kind: 'drop' } | { readonly kind: 'rewrite'; readonly text: string };

const PASS: ChatVerdict = Object.freeze({ kind: 'pass' });
const DROP: ChatVerdict = Object.freeze({ kind: 'drop' });

/** What to do with a chat line; synchronous (and free) when nobody listens to ChatMessage. */
export function handleChatLine(deps: ChatHookDeps, channel: PlayerChannel, message: string): ChatVerdict | Promise<ChatVerdict> {
  if (deps.events.listenerCount('ChatMessage') === 0) return PASS;
  const fired = deps.events.dispatch('ChatMessage', { player: channelPlayerRef(channel), message });
  const decide = (event: EventMap['ChatMessage']): ChatVerdict => {
    const result = event.result;
    if (result?.type === 'denied') {
      replyTo(deps.players, channel, result.reason);
      return DROP;
    }
    if (result?.type === 'modify' && typeof result.value === 'string' && result.value !== message) return { kind: 'rewrite', text: result.value };
    return PASS;
  };
  return fired instanceof Promise ? fired.then(decide) : decide(fired);
}
