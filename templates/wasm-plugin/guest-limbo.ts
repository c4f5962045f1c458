/**
 * Limbo handlers for guests granted `limbo` (plugin.json "capabilities": ["limbo"]), shaped like
 * the sdk's LimboHandler. Import it only with that capability: it imports the `limbo` interface.
 *
 * @example
 * // index.ts
 * import { limboHandler, enter } from './guest-limbo.ts';
 * export { limboGuest } from './guest-limbo.ts';
 * // in onEnable:
 * limboHandler('gate', {
 *   onEnter: (s) => (s.send(`Welcome ${s.player.username}: type /go`), enter.hold()),
 *   onChat: (s, line) => { if (line === '/go') s.complete(); },
 * });
 */
import { complete, register, sendMessage, unregister } from 'infrarust:plugin/limbo@0.1.0';
import type { EnterResult, Player } from 'infrarust:plugin/limbo-guest@0.1.0';

/** What `onEnter` decides (the sdk's accept / deny / hold / holdWithTimeout / redirectTo). */
export const enter = {
  accept: (): EnterResult => ({ tag: 'accept' }),
  deny: (reason: string): EnterResult => ({ tag: 'deny', val: reason }),
  hold: (): EnterResult => ({ tag: 'hold' }),
  /** Denies when the time is up. */
  holdWithTimeout: (ms: number): EnterResult => ({ tag: 'hold-with-timeout', val: ms }),
  redirect: (serverId: string): EnterResult => ({ tag: 'redirect', val: serverId }),
};

/** A held player. Valid while the handler holds them. */
export interface LimboSession {
  readonly id: bigint;
  readonly player: Player;
  /** A chat message (JSON text or §-text). */
  send(text: string): void;
  /** Ends the hold: on to the next handler and the backend, or to `serverId`. */
  complete(serverId?: string): void;
}

export interface LimboHandlerDef {
  onEnter(session: LimboSession): EnterResult;
  /** A chat line, or a command the proxy did not take (with its '/'). */
  onChat?(session: LimboSession, line: string): void;
  onLeave?(session: LimboSession): void;
}

const handlers = new Map<bigint, LimboHandlerDef>();
const sessions = new Map<bigint, LimboSession>();

function session(id: bigint, player: Player): LimboSession {
  return {
    id,
    player,
    send: (text) => sendMessage(id, text),
    complete: (serverId) => {
      sessions.delete(id);
      complete(id, serverId);
    },
  };
}

/** Registers the handler servers name in `limbo_handlers`; call in onEnable. Returns an unregister. */
export function limboHandler(name: string, def: LimboHandlerDef): () => void {
  const id = register(name);
  handlers.set(id, def);
  return () => {
    handlers.delete(id);
    unregister(id);
  };
}

/** Export it from index.ts: `export { limboGuest } from './guest-limbo.ts';` */
export const limboGuest = {
  onPlayerEnter(handler: bigint, id: bigint, player: Player): EnterResult {
    const def = handlers.get(handler);
    if (def === undefined) return enter.accept();
    const s = session(id, player);
    sessions.set(id, s);
    const result = def.onEnter(s);
    if (result.tag !== 'hold' && result.tag !== 'hold-with-timeout') sessions.delete(id);
    return result;
  },
  onChat(handler: bigint, id: bigint, line: string): void {
    const s = sessions.get(id);
    if (s !== undefined) handlers.get(handler)?.onChat?.(s, line);
  },
  onLeave(handler: bigint, id: bigint): void {
    const s = sessions.get(id);
    sessions.delete(id);
    if (s !== undefined) handlers.get(handler)?.onLeave?.(s);
  },
};
