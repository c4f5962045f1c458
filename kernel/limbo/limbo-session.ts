/**
 * The LimboSession a handler drives: chat, titles, action bars and boss bars encoded for the
 * client's protocol and written to its PacketConn. One LimboClient per chain (the connection,
 * whether the world is rendered yet, the boss bars shown); one session view per handler run,
 * released when that run ends so a plugin's late timer finds a no-op, never a stale player.
 */
import type { HandlerResult, LimboEntry, LimboPlayer, LimboSession } from '../../sdk/limbo.ts';
import type { BossBar, BossBarOptions, PlayerResult, Text, TitleTimes } from '../../sdk/player.ts';
import type { PacketConn } from '../net/packet-conn.ts';
import { encodeActionBar, encodeChatMessage } from '../protocol/packets/play-chat.ts';
import { encodeTitle } from '../protocol/packets/play-title.ts';
import { encodeBossBar } from '../protocol/packets/play-boss-bar.ts';
import { showBossBarWith } from '../protocol/packets/boss-bar-handle.ts';

type Failure = Extract<PlayerResult, { ok: false }>;
const OK: PlayerResult = Object.freeze({ ok: true });
const CLOSED: Failure = Object.freeze({ ok: false, code: 'closed', message: 'the player has left limbo' });

/**
 * The client side of a chain: play packets wait in `pending` until the world is rendered (a
 * client before Join Game cannot show chat), then go straight to the connection.
 */
export class LimboClient {
  worldSent = false;
  closed = false;
  private pending: Buffer[] = [];
  private readonly bars = new Set<string>();

  constructor(
    readonly conn: PacketConn,
    readonly protocol: number,
  ) {}

  send(packets: Buffer | Buffer[] | undefined, what: string): PlayerResult {
    if (this.closed || this.conn.failed !== undefined) return CLOSED;
    if (packets === undefined) return { ok: false, code: 'unsupported', message: `${what} does not exist for protocol ${this.protocol}` };
    const list = Array.isArray(packets) ? packets : [packets];
    if (!this.worldSent) this.pending.push(...list);
    else {
      for (const p of list) this.conn.queue(p);
      this.conn.flush();
    }
    return OK;
  }

  /** The world is rendered: what handlers sent before it goes out now. */
  worldReady(): void {
    this.worldSent = true;
    const queued = this.pending;
    this.pending = [];
    if (queued.length > 0) this.send(queued, 'queued packets');
  }

  barShown(id: string, shown: boolean): void {
    if (shown) this.bars.add(id);
    else this.bars.delete(id);
  }

  /** The player leaves limbo: queued sends are dropped and boss bars removed (a backend knows none of them). */
  finish(): void {
    this.pending = [];
    if (this.worldSent) for (const id of this.bars) this.send(encodeBossBar(this.protocol, id, { action: 'remove' }), 'a boss bar');
    this.bars.clear();
    this.closed = true;
  }
}

export interface LimboSessionHooks {
  /** `session.complete(result)`; `kick(reason)` arrives here as a deny. */
  complete(result: HandlerResult): void;
}

/** A LimboSession plus the kernel's switch that turns it into a no-op. */
export interface LimboSessionView extends LimboSession {
  release(): void;
}

/**
 * The session one handler run sees. A class, not an object literal with a getter and eight
 * closures: that literal was stored as an ~830-byte dictionary per held player (bench/limbo.ts).
 * @example const session = createLimboSession(client, player, { type: 'initial' }, { complete: (r) => settle(r) });
 */
export function createLimboSession(client: LimboClient, player: LimboPlayer, entry: LimboEntry, hooks: LimboSessionHooks): LimboSessionView {
  return new HandlerSession(client, player, entry, hooks);
}

class HandlerSession implements LimboSessionView {
  #live = true;

  constructor(
    private readonly client: LimboClient,
    readonly player: LimboPlayer,
    readonly entry: LimboEntry,
    private readonly hooks: LimboSessionHooks,
  ) {}

  get active(): boolean {
    return this.#live && !this.client.closed && this.client.conn.failed === undefined;
  }

  private send(what: string, encode: () => Buffer | Buffer[] | undefined): PlayerResult {
    return this.#live ? this.client.send(encode(), what) : CLOSED;
  }

  sendMessage(text: Text): PlayerResult {
    return this.send('a chat message', () => encodeChatMessage(this.client.protocol, text));
  }

  sendTitle(title: Text, subtitle?: Text, times?: TitleTimes): PlayerResult {
    return this.send('a title', () => encodeTitle(this.client.protocol, { title, subtitle, times }));
  }

  sendActionBar(text: Text): PlayerResult {
    return this.send('an action bar', () => encodeActionBar(this.client.protocol, text));
  }

  showBossBar(options: BossBarOptions): BossBar | Failure {
    return this.#live ? showBossBar(this.client, options) : CLOSED;
  }

  kick(reason: string): PlayerResult {
    if (!this.#live || this.client.closed) return CLOSED;
    this.hooks.complete({ type: 'deny', reason });
    return OK;
  }

  complete(result: HandlerResult): void {
    if (this.#live && !this.client.closed) this.hooks.complete(result);
  }

  release(): void {
    this.#live = false;
  }
}

function showBossBar(client: LimboClient, options: BossBarOptions): BossBar | Failure {
  return showBossBarWith((id, change) => client.send(encodeBossBar(client.protocol, id, change), 'a boss bar'), options, (id, shown) => client.barShown(id, shown));
}
