/** Layer 4: limbo handlers hold players in a proxy-hosted world (the engine comes later). */
import type { PlayerRef } from './events.ts';

export type HandlerResult =
  | { type: 'accept' }
  | { type: 'deny'; reason: string }
  | { type: 'hold' }
  | { type: 'hold-with-timeout'; timeoutMs: number; onTimeout: 'accept' | 'deny' }
  | { type: 'redirect'; server: string }
  | { type: 'send-to-limbo'; handlers: readonly string[] };

export interface LimboSession {
  readonly player: PlayerRef;
  sendMessage(text: string): void;
  sendTitle(title: string, subtitle?: string): void;
  sendActionBar(text: string): void;
  /** Ends a hold with this result. */
  complete(result: HandlerResult): void;
}

export interface LimboHandler {
  /** The name used in a server's `limbo_handlers`. */
  name: string;
  onPlayerEnter(session: LimboSession): HandlerResult | Promise<HandlerResult>;
  onChat?(session: LimboSession, message: string): void;
  onCommand?(session: LimboSession, command: string, args: string[]): void;
  onLeave?(session: LimboSession): void;
}

export const accept = (): HandlerResult => ({ type: 'accept' });
export const hold = (): HandlerResult => ({ type: 'hold' });
export const holdWithTimeout = (timeoutMs: number, onTimeout: 'accept' | 'deny' = 'deny'): HandlerResult => ({ type: 'hold-with-timeout', timeoutMs, onTimeout });
