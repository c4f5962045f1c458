/**
 * Runs a server's limbo handler chain for one player (issue 12, "Handler chains").
 *
 * - Handlers run in order; `accept` moves on, the chain's end accepts. Accept-only chains never
 *   render the world: it is sent on the first hold only, then keepalives start and the player's
 *   chat goes to the proxy's commands first (`onCommand`), then to the holding handler.
 * - `deny`, `redirect` end the chain; `sendToLimbo(names)` runs those handlers instead of the rest.
 * - Fail closed: a name the registry does not know, a hook that throws, an `onPlayerEnter` that
 *   does not settle within `enterTimeoutMs`, or a result of unknown shape denies the player with
 *   a reason and logs the handler and its plugin. Other players' chains are independent.
 * - Hot reload: a hold is re-checked every `reloadCheckMs`. When the held handler's registration
 *   is replaced by a reloaded one of the same name, the player is re-run against the new handler
 *   (onPlayerEnter again, same session state; the old handler's session goes inert and its
 *   onLeave is not called). When the name is gone (plugin unloaded), the player is denied with
 *   RELOAD_REASON.
 * - The runner never writes the disconnect itself: the caller kicks with a deny's reason (the
 *   client is in play when `worldSent`, else still in `clientState`).
 */
import type { HandlerResult, LimboEntry, LimboHandler, LimboPlayer } from '../../sdk/limbo.ts';
import type { NamedRegistry } from '../layers/registries.ts';
import { pluginOf } from '../layers/owner.ts';
import type { Logger } from '../log/logger.ts';
import type { PacketConn } from '../net/packet-conn.ts';
import { startKeepAlive, type KeepAlive, type KeepAliveOptions } from './keep-alive.ts';
import { readLimboPackets, type LimboChat } from './limbo-reader.ts';
import { createLimboSession, LimboClient, type LimboSessionView } from './limbo-session.ts';
import { sendLimboWorld, type LimboEntryState } from './world.ts';
import { countHold } from './limbo-holds.ts';

/** `worldSent`: the client is in the limbo world (else still where it was); `held`: a handler held the player in this run. */
export type ChainOutcome =
  | { readonly type: 'accept'; readonly worldSent: boolean; readonly held: boolean }
  | { readonly type: 'deny'; readonly reason: string; readonly worldSent: boolean; readonly held: boolean }
  | { readonly type: 'redirect'; readonly server: string; readonly worldSent: boolean; readonly held: boolean }
  | { readonly type: 'closed' };

export type ChainLog = Pick<Logger, 'info' | 'warn' | 'error'>;

/** What the chain reads of the limbo handler registry. */
export type HandlerLookup = Pick<NamedRegistry<LimboHandler>, 'get' | 'ownerOf'>;

export interface LimboChainOptions {
  /** The client's connection, after login (1.20.2+: after Login Acknowledged). */
  readonly client: PacketConn;
  readonly protocol: number;
  readonly clientState: LimboEntryState;
  /** The client already shows the limbo world (an earlier chain rendered it): a hold only starts keepalives. */
  readonly inWorld?: boolean;
  /**
   * Renders the world instead of `sendLimboWorld(client, protocol, clientState)`: for a client in
   * play on a backend's world, which must be moved (the session layer knows how, per era).
   */
  readonly render?: () => Promise<void>;
  readonly handlers: readonly string[];
  readonly registry: HandlerLookup;
  readonly player: LimboPlayer;
  readonly entry: LimboEntry;
  readonly log: ChainLog;
  /** The proxy's commands, tried first with a typed command line (no `/`); true = handled. */
  readonly onCommand?: (line: string) => boolean | Promise<boolean>;
  /** A plugin moves the held player elsewhere (Player.switchServer while in limbo): the hold ends with a redirect. */
  readonly exit?: Promise<string>;
  /** Bound on one `onPlayerEnter` call (default 10 s). */
  readonly enterTimeoutMs?: number;
  /** How often a hold checks that its handler is still the registered one (default 1 s). */
  readonly reloadCheckMs?: number;
  /** Keepalive timings while held (defaults: every 10 s, 15 s timeout). */
  readonly keepAlive?: Pick<KeepAliveOptions, 'intervalMs' | 'timeoutMs'>;
}

export const ENTER_TIMEOUT_MS = 10_000;
export const RELOAD_CHECK_MS = 1_000;
export const RELOAD_REASON = 'The server is reloading, please rejoin';
export const HOLD_TIMEOUT_REASON = 'You took too long';
/** sendToLimbo inside sendToLimbo…: a loop between handlers ends here. */
const MAX_HOPS = 8;

type Final = Exclude<HandlerResult, { type: 'hold' | 'hold-with-timeout' }>;
type StepEnd = Final | 'closed';

/**
 * Runs `options.handlers` for one player; resolves with where the player goes next.
 * @example
 * const outcome = await runLimboChain({ client, protocol, clientState: 'configuration', handlers: ['auth'],
 *   registry: layers.registries.limbo, player, entry: { type: 'initial', serverId: 'lobby' }, log });
 * if (outcome.type === 'deny') client.send(encodeDisconnect(protocol, outcome.worldSent ? 'play' : 'configuration', outcome.reason)!);
 */
export async function runLimboChain(options: LimboChainOptions): Promise<ChainOutcome> {
  const run = new ChainRun(options);
  try {
    return await run.chain(options.handlers, 0);
  } finally {
    run.finish();
  }
}

/** A hold's current handler, where the player's chat goes. */
interface Holder {
  readonly name: string;
  readonly handler: LimboHandler;
  readonly view: LimboSessionView;
}

/** One completion slot per handler run: `session.complete` lands here. */
class Mailbox {
  private result: HandlerResult | undefined;
  private waiter: ((r: HandlerResult) => void) | undefined;
  put(result: HandlerResult): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = undefined;
      w(result);
    } else this.result ??= result;
  }
  take(): HandlerResult | undefined {
    const r = this.result;
    this.result = undefined;
    return r;
  }
  wait(): Promise<HandlerResult> {
    const r = this.take();
    return r !== undefined ? Promise.resolve(r) : new Promise((resolve) => (this.waiter = resolve));
  }
}

class ChainRun {
  private readonly client: LimboClient;
  private readonly closed: Promise<'closed'>;
  private signalClosed!: () => void;
  private isClosed = false;
  private readonly previousOnEnd: PacketConn['onEnd'];
  private keepAlive: KeepAlive | undefined;
  private stopReader: (() => void) | undefined;
  private holder: Holder | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly o: LimboChainOptions) {
    this.client = new LimboClient(o.client, o.protocol);
    if (o.inWorld === true) this.client.worldReady();
    this.closed = new Promise((resolve) => (this.signalClosed = () => ((this.isClosed = true), resolve('closed'))));
    this.previousOnEnd = o.client.onEnd;
    o.client.onEnd = (err) => {
      this.previousOnEnd?.(err);
      this.signalClosed();
    };
    if (o.client.failed !== undefined || o.client.socket.destroyed) this.signalClosed();
  }

  async chain(names: readonly string[], hops: number): Promise<ChainOutcome> {
    if (hops > MAX_HOPS) return this.deny(`Too many limbo redirections`);
    const missing = names.find((n) => this.o.registry.get(n) === undefined);
    if (missing !== undefined) {
      this.o.log.warn({ handler: missing, player: this.o.player.username }, `limbo handler "${missing}" is not registered (no loaded plugin provides it): denying the player`);
      return this.deny(`This server cannot be joined right now (its login step "${missing}" is not available); please try again later`);
    }
    for (const name of names) {
      const end = await this.step(name);
      if (end === 'closed') return { type: 'closed' };
      if (end.type === 'deny' || end.type === 'denied') return this.deny(end.reason);
      if (end.type === 'redirect') return { type: 'redirect', server: end.server, worldSent: this.client.worldSent, held: this.held };
      if (end.type === 'send-to-limbo') return this.chain(end.handlers ?? [], hops + 1);
    }
    return this.gone ? { type: 'closed' } : { type: 'accept', worldSent: this.client.worldSent, held: this.held };
  }

  /** The connection ended (its onEnd may not have run yet when a read just failed). */
  private get gone(): boolean {
    return this.isClosed || this.o.client.failed !== undefined;
  }

  private deny(reason: string): ChainOutcome {
    return this.gone ? { type: 'closed' } : { type: 'deny', reason, worldSent: this.client.worldSent, held: this.held };
  }

  /** One handler, until it gives a final result (re-run after a reload of its plugin). */
  private async step(name: string): Promise<StepEnd> {
    let handler = this.o.registry.get(name);
    for (;;) {
      if (handler === undefined) return { type: 'deny', reason: RELOAD_REASON };
      const mailbox = new Mailbox();
      const view = createLimboSession(this.client, this.o.player, this.o.entry, { complete: (r) => mailbox.put(r) });
      const holder: Holder = { name, handler, view };
      try {
        const end = await this.runHandler(holder, mailbox);
        if (end !== 'reloaded') return end;
        this.o.log.info({ handler: name, player: this.o.player.username }, `limbo handler "${name}" was reloaded or unloaded while holding a player`);
        handler = this.o.registry.get(name);
      } finally {
        view.release();
      }
    }
  }

  private async runHandler(holder: Holder, mailbox: Mailbox): Promise<StepEnd | 'reloaded'> {
    const entered = await this.enter(holder);
    if (entered === 'closed') return 'closed';
    let result = mailbox.take() ?? entered; // a completion (or kick) during onPlayerEnter wins
    while (result.type === 'hold' || result.type === 'hold-with-timeout') {
      const held = await this.hold(holder, mailbox, result);
      if (held === 'closed') {
        this.callHook(holder, 'onLeave', () => holder.handler.onLeave?.(holder.view));
        return 'closed';
      }
      if (held === 'reloaded') return 'reloaded';
      result = held;
    }
    return this.checked(holder, result);
  }

  /** `onPlayerEnter`, bounded; a throw, a rejection or no answer in time is a deny. */
  private async enter(holder: Holder): Promise<HandlerResult | 'closed'> {
    const limitMs = this.o.enterTimeoutMs ?? ENTER_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), limitMs).unref()));
    try {
      const r = await Promise.race([Promise.resolve().then(() => holder.handler.onPlayerEnter(holder.view)), late, this.closed]);
      if (r === 'closed') return r;
      if (r === 'late') return this.fault(holder, 'onPlayerEnter', new Error(`onPlayerEnter did not settle within ${limitMs} ms`));
      return r;
    } catch (err) {
      return this.fault(holder, 'onPlayerEnter', err);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A result of a shape the kernel does not know is a plugin bug: fail closed. */
  private checked(holder: Holder, result: HandlerResult): Final {
    const type = (result as { type?: unknown } | null | undefined)?.type;
    if (type === 'accept' || type === 'redirect' || type === 'send-to-limbo') return result as Final;
    if ((type === 'deny' || type === 'denied') && typeof (result as { reason?: unknown }).reason === 'string') return result as Final;
    return this.fault(holder, 'onPlayerEnter', new Error(`returned ${JSON.stringify(result)}, not a HandlerResult`));
  }

  private fault(holder: Holder, hook: string, err: unknown): Final {
    const owner = this.o.registry.ownerOf(holder.name);
    this.o.log.error(
      { plugin: owner === undefined ? undefined : pluginOf(owner), handler: holder.name, hook, err, player: this.o.player.username },
      `limbo handler "${holder.name}" failed in ${hook}: denying the player`,
    );
    return { type: 'deny', reason: 'An internal error occurred while joining; please try again later' };
  }

  /** Calls a chat/leave hook; a throw or rejection denies the player (through the mailbox). */
  private callHook(holder: Holder, hook: string, call: () => unknown, mailbox?: Mailbox): void {
    const failed = (err: unknown): void => {
      const denied = this.fault(holder, hook, err);
      mailbox?.put(denied);
    };
    try {
      const r = call();
      if (r instanceof Promise) r.catch(failed);
    } catch (err) {
      failed(err);
    }
  }

  /** Renders the world (first hold only), then waits for a completion, the timeout, a reload or the end. */
  private async hold(holder: Holder, mailbox: Mailbox, result: HandlerResult & { type: 'hold' | 'hold-with-timeout' }): Promise<HandlerResult | 'closed' | 'reloaded'> {
    const world = await this.ensureWorld(holder);
    if (world !== undefined) return world;
    this.held = true;
    this.holder = holder;
    this.chatTarget = mailbox;
    const waits: Promise<HandlerResult | 'closed' | 'reloaded'>[] = [mailbox.wait(), this.closed, this.watchReload(holder)];
    if (result.type === 'hold-with-timeout') waits.push(this.after(result.timeoutMs, () => timedOut(result)));
    if (this.o.exit !== undefined) waits.push(this.o.exit.then((server): HandlerResult => ({ type: 'redirect', server })));
    const uncount = countHold(holder.name);
    try {
      return await Promise.race(waits);
    } finally {
      uncount();
      this.holder = undefined;
      this.chatTarget = undefined;
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
      for (const stop of this.unwatch.splice(0)) stop();
    }
  }

  private chatTarget: Mailbox | undefined;
  /** A handler held the player in this run. */
  private held = false;

  private async ensureWorld(holder: Holder): Promise<'closed' | HandlerResult | undefined> {
    if (this.keepAlive !== undefined) return undefined;
    if (this.client.worldSent) return this.startHolding();
    try {
      const render = this.o.render ?? (() => sendLimboWorld(this.o.client, this.o.protocol, this.o.clientState));
      const sent = await Promise.race([render(), this.closed]);
      if (sent === 'closed') return 'closed';
    } catch (err) {
      if (this.gone) return 'closed';
      this.o.log.error({ handler: holder.name, err, player: this.o.player.username }, 'the limbo world could not be sent');
      return { type: 'deny', reason: 'This server cannot hold you in limbo right now; please try again later' };
    }
    this.client.worldReady();
    return this.startHolding();
  }

  /** Keepalives and the player's packets, while the world is shown. */
  private startHolding(): undefined {
    this.keepAlive = startKeepAlive(this.o.client, this.o.protocol, { ...this.o.keepAlive });
    this.stopReader = readLimboPackets(this.o.client, this.o.protocol, {
      onChat: (chat) => this.onChat(chat),
      keepAlive: this.keepAlive,
      // The cause only: the packet itself may be a line the player typed.
      onBadPacket: (err) => this.o.log.info({ player: this.o.player.username, reason: err.message }, 'bad packet from a player held in limbo: disconnected'),
    });
    return undefined;
  }

  private onChat(chat: LimboChat): void {
    if (chat.command && this.o.onCommand !== undefined) {
      let taken: boolean | Promise<boolean>;
      try {
        taken = this.o.onCommand(chat.text);
      } catch (err) {
        this.o.log.error({ err, player: this.o.player.username }, 'a proxy command typed in limbo failed');
        return;
      }
      if (taken === true) return;
      if (taken instanceof Promise) {
        const holder = this.holder;
        void taken.then((t) => (t || this.holder !== holder ? undefined : this.toHandler(chat)), () => undefined);
        return;
      }
    }
    this.toHandler(chat);
  }

  private toHandler(chat: LimboChat): void {
    const holder = this.holder;
    if (holder === undefined) return;
    const { handler, view } = holder;
    if (chat.command) {
      const [command = '', ...args] = chat.text.split(' ').filter((s) => s.length > 0);
      this.callHook(holder, 'onCommand', () => handler.onCommand?.(view, command, args), this.chatTarget);
    } else this.callHook(holder, 'onChat', () => handler.onChat?.(view, chat.text), this.chatTarget);
  }

  private watchReload(holder: Holder): Promise<'reloaded'> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.o.registry.get(holder.name) !== holder.handler) resolve('reloaded');
      };
      this.unwatch.push(everyInterval(this.o.reloadCheckMs ?? RELOAD_CHECK_MS, check));
    });
  }

  /** Ends the reload checks of this run's holds. */
  private readonly unwatch: (() => void)[] = [];

  private after<T>(ms: number, value: () => T): Promise<T> {
    return new Promise((resolve) => this.timers.add(setTimeout(() => resolve(value()), Math.max(0, ms)).unref()));
  }

  /** Leaves the connection to the caller: no keepalives, no reader, its onEnd restored. */
  finish(): void {
    this.keepAlive?.stop();
    this.stopReader?.();
    for (const t of this.timers) clearTimeout(t);
    for (const stop of this.unwatch.splice(0)) stop();
    this.o.client.onEnd = this.previousOnEnd;
    this.client.finish();
  }
}

function timedOut(result: { onTimeout: 'accept' | 'deny'; reason?: string }): HandlerResult {
  return result.onTimeout === 'accept' ? { type: 'accept' } : { type: 'deny', reason: result.reason ?? HOLD_TIMEOUT_REASON };
}

/**
 * One timer per period for every hold's reload check, instead of one per held player (1,000
 * held players were 1,000 timer callbacks a second); it stops when no check is left.
 */
const sweeps = new Map<number, { timer: NodeJS.Timeout; checks: Set<() => void> }>();

function everyInterval(ms: number, check: () => void): () => void {
  let sweep = sweeps.get(ms);
  if (sweep === undefined) {
    const checks = new Set<() => void>();
    const timer = setInterval(() => {
      for (const c of checks) c();
    }, ms).unref();
    sweeps.set(ms, (sweep = { timer, checks }));
  }
  sweep.checks.add(check);
  const own = sweep;
  return () => {
    own.checks.delete(check);
    if (own.checks.size === 0) {
      clearInterval(own.timer);
      if (sweeps.get(ms) === own) sweeps.delete(ms);
    }
  };
}
