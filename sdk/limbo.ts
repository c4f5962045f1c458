/**
 * Layer 4: limbo handlers hold players in a proxy-hosted void world. A server's
 * `limbo_handlers = ["auth", "antibot"]` runs the named handlers in order; each `onPlayerEnter`
 * decides with a HandlerResult. The world is rendered only when a handler holds.
 *
 * Results: `accept()` (next handler, then the backend), `deny(reason)` from results.ts (kick),
 * `hold()` (until `session.complete(result)`), `holdWithTimeout(ms, 'accept' | 'deny')`,
 * `redirectTo(server)` from results.ts, `sendToLimbo(handlers)` from results.ts (those handlers
 * replace the rest of the chain).
 */
import type { GameProfile } from './auth.ts';
import type { PlayerRef } from './events.ts';
import type { BossBar, BossBarOptions, PlayerResult, Text, TitleTimes } from './player.ts';
import type { Denied, RedirectTo, SendToLimbo } from './results.ts';

/**
 * What a handler's `onPlayerEnter` (or `session.complete`) decides.
 * @example onPlayerEnter: (s) => (s.player.verified ? accept() : hold())
 */
export type HandlerResult =
  | { readonly type: 'accept' }
  | { readonly type: 'deny'; readonly reason: string }
  | Denied
  | { readonly type: 'hold' }
  | { readonly type: 'hold-with-timeout'; readonly timeoutMs: number; readonly onTimeout: 'accept' | 'deny'; readonly reason?: string }
  | RedirectTo
  | SendToLimbo;

/**
 * The held player: identity plus what the proxy knows of their login.
 * @example if (!session.player.verified) session.sendMessage(`Welcome ${session.player.username}`)
 */
export interface LimboPlayer extends PlayerRef {
  /** The profile the proxy logged the player in with (skin properties included), if it did. */
  readonly profile: GameProfile | undefined;
  /** True when a session server verified the player (online auth). */
  readonly verified: boolean;
}

/**
 * Why the player is in limbo: joining (`initial`), kicked from a backend (`kicked`), or sent by
 * a plugin or a `SendToLimbo` result (`redirect`).
 * @example if (session.entry.type === 'kicked') session.sendMessage(`Kicked from ${session.entry.serverId}: ${session.entry.reason}`)
 */
export type LimboEntry =
  | { readonly type: 'initial'; readonly serverId?: string }
  | { readonly type: 'kicked'; readonly serverId: string; readonly reason: string }
  | { readonly type: 'redirect'; readonly serverId?: string; readonly reason?: string };

/**
 * A handler's handle on one held player. Safe from timers: once the player left, the hold ended
 * or the handler's plugin was reloaded, every send answers `{ ok: false, code: 'closed' }` and
 * `complete`/`kick` do nothing. Sends made before the world is rendered (in `onPlayerEnter`,
 * before returning `hold()`) are queued and shown once it is; dropped if the handler does not hold.
 * @example
 * onPlayerEnter(session) {
 *   session.sendTitle('§6Login', 'type /login <password>', { fadeIn: 10, stay: 100, fadeOut: 10 });
 *   setTimeout(() => session.complete(accept()), 5000);
 *   return hold();
 * }
 */
export interface LimboSession {
  readonly player: LimboPlayer;
  readonly entry: LimboEntry;
  /** False once the player left, the hold ended, or this handler was replaced by a reload. */
  readonly active: boolean;
  sendMessage(text: Text): PlayerResult;
  sendTitle(title: Text, subtitle?: Text, times?: TitleTimes): PlayerResult;
  sendActionBar(text: Text): PlayerResult;
  /** A boss bar (1.9+), removed when the player leaves limbo. */
  showBossBar(options: BossBarOptions): BossBar | Extract<PlayerResult, { ok: false }>;
  /** Ends the chain with a deny: the player is disconnected with `reason`. */
  kick(reason: string): PlayerResult;
  /** Ends a hold with this result, handled as if `onPlayerEnter` had returned it. */
  complete(result: HandlerResult): void;
}

/**
 * A named step of a server's limbo chain. Hooks may be async; a throw denies the player (fail
 * closed) and is logged with the plugin's id.
 * @example ctx.limbo.register({ name: 'rules', onPlayerEnter: () => hold(), onCommand(s, cmd) { if (cmd === 'agree') s.complete(accept()); } })
 */
export interface LimboHandler {
  /** The name used in a server's `limbo_handlers`. */
  name: string;
  onPlayerEnter(session: LimboSession): HandlerResult | Promise<HandlerResult>;
  /** A chat line typed while this handler holds the player. */
  onChat?(session: LimboSession, message: string): void | Promise<void>;
  /** A command (without `/`) the proxy's own commands did not take, while this handler holds. */
  onCommand?(session: LimboSession, command: string, args: string[]): void | Promise<void>;
  /** The player disconnected while this handler held them. */
  onLeave?(session: LimboSession): void;
}

/** @example onPlayerEnter: () => accept() */
export const accept = (): HandlerResult => ({ type: 'accept' });
/** @example onPlayerEnter: () => hold()   // then session.complete(accept()) */
export const hold = (): HandlerResult => ({ type: 'hold' });
/**
 * Holds at most `timeoutMs`, then accepts or denies (with `reason`).
 * @example return holdWithTimeout(60_000, 'deny', 'You took too long to log in');
 */
export const holdWithTimeout = (timeoutMs: number, onTimeout: 'accept' | 'deny' = 'deny', reason?: string): HandlerResult => ({
  type: 'hold-with-timeout',
  timeoutMs,
  onTimeout,
  ...(reason === undefined ? {} : { reason }),
});

/**
 * Whether `result` keeps the player in limbo.
 * @example if (isHold(result)) log.info('held')
 */
export function isHold(result: HandlerResult): result is Extract<HandlerResult, { type: 'hold' | 'hold-with-timeout' }> {
  return result.type === 'hold' || result.type === 'hold-with-timeout';
}
