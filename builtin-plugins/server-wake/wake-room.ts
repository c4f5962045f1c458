/**
 * The waiting room: players held in limbo while their managed server starts. Narrow
 * dependencies (the manager service, the options, a clock, a logger) so it is tested with fake
 * sessions and a fake manager; index.ts wires it to the limbo registry, ServerStateChange and
 * the scheduler.
 *
 * On enter (entry `initial` or `redirect`; `kicked` = the backend was unreachable):
 *   online   → accept (kicked: hold `retry_delay`, then accept, i.e. the kernel dials again)
 *   sleeping, crashed → start it, hold
 *   starting → hold
 *   stopping → hold; started again once it is sleeping (the manager refuses a start while stopping)
 *   unknown  → accept (the dial decides; kicked: try a start)
 *   not managed / no manager → accept
 * State changes: online releases every waiting player; crashed kicks them with `failed_kick`
 * (`timeout_kick` when the cause is the manager's start_timeout); the tick kicks players past
 * their own deadline with `timeout_kick`, and releases players of a server the manager calls
 * online (in case a change was missed).
 */
import { accept, deny, hold, type HandlerResult, type LimboSession, type ManagerActionResult, type ServerManagerService, type ServerStateChangeInfo } from 'infrarust/sdk';
import { render, type ServerWakeOptions } from './options.ts';

/** Extra wait past the manager's start_timeout before this plugin gives up on its own. */
const MANAGER_GRACE_MS = 5_000;
const DOTS = ['', '.', '..', '...'];

export interface WakeRoomDeps {
  /** The `server-manager` service now (looked up per use: its plugin may reload). */
  manager(): ServerManagerService | undefined;
  options: ServerWakeOptions;
  now(): number;
  log: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
}

interface Waiter {
  readonly session: LimboSession;
  readonly serverId: string;
  readonly since: number;
  readonly deadline: number;
  /** Kicked-while-online: accept at this time (the kernel then dials again). */
  retryAt?: number;
  lastTitle: number;
}

type Vars = Record<string, string | number>;

export class WakeRoom {
  private readonly waiters = new Map<LimboSession, Waiter>();
  private frame = 0;

  constructor(private readonly deps: WakeRoomDeps) {}

  /** Players waiting for `serverId`. */
  waiting(serverId: string): number {
    let n = 0;
    for (const w of this.waiters.values()) if (w.serverId === serverId) n++;
    return n;
  }

  async enter(session: LimboSession): Promise<HandlerResult> {
    const serverId = session.entry.serverId;
    const manager = this.deps.manager();
    const state = serverId === undefined ? undefined : manager?.state(serverId);
    if (serverId === undefined || manager === undefined || state === undefined) return accept();
    const kicked = session.entry.type === 'kicked';
    if (state === 'online') return kicked ? this.holdFor(session, serverId, this.deps.options.retry_delay) : accept();
    if (state === 'unknown' && !kicked) return accept();
    if (state === 'sleeping' || state === 'crashed' || state === 'unknown') {
      const started = await manager.start(serverId).catch((err: unknown): ManagerActionResult => ({ ok: false, reason: err instanceof Error ? err.message : String(err) }));
      if (!started.ok) return deny(render(this.deps.options.failed_kick, { server: serverId, cause: started.reason }));
      this.deps.log.info({ server: serverId, player: session.player.username }, 'player woke the server');
    }
    if (manager.state(serverId) === 'online') return accept();
    if (!session.active) return accept(); // left while the start was asked
    return this.holdFor(session, serverId);
  }

  /** The player left limbo (disconnected) while held. */
  leave(session: LimboSession): void {
    this.waiters.delete(session);
  }

  stateChanged(change: ServerStateChangeInfo): void {
    const waiting = [...this.waiters.values()].filter((w) => w.serverId === change.serverId);
    if (waiting.length === 0) return;
    const vars = { server: change.serverId, cause: change.cause ?? change.next };
    if (change.next === 'online') {
      this.release(change.serverId, waiting);
    } else if (change.next === 'crashed') {
      const timedOut = /start_timeout/.test(change.cause ?? '');
      const message = render(timedOut ? this.deps.options.timeout_kick : this.deps.options.failed_kick, vars);
      this.deps.log.warn({ server: change.serverId, players: waiting.length, cause: change.cause }, 'server failed to start: waiting players kicked');
      for (const w of waiting) this.kick(w, message);
    } else if (change.next === 'sleeping') {
      this.startAgain(change.serverId).catch((err: unknown) => this.deps.log.warn({ server: change.serverId, err }, 'could not start the server again'));
    } else {
      for (const w of waiting) this.showTitle(w, change.next);
    }
  }

  /** Action bars, titles, retries and deadlines; called every `update_interval`. */
  tick(): void {
    const now = this.deps.now();
    this.frame++;
    this.releaseOnline();
    for (const w of [...this.waiters.values()]) {
      if (!w.session.active) {
        this.waiters.delete(w.session);
      } else if (w.retryAt !== undefined && now >= w.retryAt) {
        this.waiters.delete(w.session);
        w.session.complete(accept());
      } else if (now >= w.deadline) {
        this.deps.log.warn({ server: w.serverId, player: w.session.player.username }, 'server not online within start_timeout: player kicked');
        this.kick(w, render(this.deps.options.timeout_kick, { server: w.serverId }));
      } else {
        this.draw(w, now);
      }
    }
  }

  /** Sends `waiting` (players of `serverId`) on to it: the server is online. */
  private release(serverId: string, waiting: Waiter[]): void {
    const { options } = this.deps;
    const vars = { server: serverId };
    this.deps.log.info({ server: serverId, players: waiting.length }, 'server online: waiting players released');
    for (const w of waiting) {
      this.waiters.delete(w.session);
      w.session.sendTitle(render(options.ready_title, vars), render(options.ready_subtitle, vars), { fadeIn: 0, stay: 30, fadeOut: 10 });
      w.session.complete(accept());
    }
  }

  /**
   * A safety net for a missed ServerStateChange (the server-manager plugin reloaded, say): players
   * still waiting for a server the manager now calls online are released on the tick. Players
   * waiting out `retry_delay` keep waiting.
   */
  private releaseOnline(): void {
    const byServer = new Map<string, Waiter[]>();
    for (const w of this.waiters.values()) if (w.retryAt === undefined) byServer.set(w.serverId, [...(byServer.get(w.serverId) ?? []), w]);
    const manager = this.deps.manager();
    for (const [serverId, waiting] of byServer) if (manager?.state(serverId) === 'online') this.release(serverId, waiting);
  }

  private holdFor(session: LimboSession, serverId: string, retryMs?: number): HandlerResult {
    const now = this.deps.now();
    const w: Waiter = { session, serverId, since: now, deadline: now + this.timeoutFor(serverId), lastTitle: 0 };
    if (retryMs !== undefined) w.retryAt = now + retryMs;
    this.waiters.set(session, w);
    this.draw(w, now);
    return hold();
  }

  /** The plugin's `start_timeout`, else the manager's (counted from when it began starting). */
  private timeoutFor(serverId: string): number {
    if (this.deps.options.start_timeout !== undefined) return this.deps.options.start_timeout;
    const info = this.deps.manager()?.describe(serverId);
    if (info === undefined) return 180_000;
    const spent = info.state === 'starting' ? Math.max(0, this.deps.now() - info.since) : 0;
    return Math.max(MANAGER_GRACE_MS, info.startTimeoutMs - spent + MANAGER_GRACE_MS);
  }

  private draw(w: Waiter, now: number): void {
    const { options } = this.deps;
    if (w.lastTitle === 0 || now - w.lastTitle >= options.title_refresh_interval) {
      this.showTitle(w, this.deps.manager()?.state(w.serverId) ?? 'starting');
      w.lastTitle = now;
    }
    const vars: Vars = { server: w.serverId, dots: DOTS[this.frame % DOTS.length]!, count: this.waiting(w.serverId), elapsed: Math.floor((now - w.since) / 1000) };
    w.session.sendActionBar(render(options.waiting_action_bar, vars));
  }

  private showTitle(w: Waiter, state: string): void {
    const { options } = this.deps;
    const vars = { server: w.serverId };
    const stopping = state === 'stopping' || state === 'sleeping';
    const stay = Math.ceil(options.title_refresh_interval / 50) + 40;
    w.session.sendTitle(render(stopping ? options.stopping_title : options.starting_title, vars), render(stopping ? options.stopping_subtitle : options.starting_subtitle, vars), { fadeIn: w.lastTitle === 0 ? 10 : 0, stay, fadeOut: 10 });
  }

  private kick(w: Waiter, message: string): void {
    this.waiters.delete(w.session);
    w.session.complete(deny(message));
  }

  /** A server that was stopping is now sleeping: start it for its waiting players. */
  private async startAgain(serverId: string): Promise<void> {
    const manager = this.deps.manager();
    if (manager === undefined) return;
    const started = await manager.start(serverId);
    if (started.ok) return void this.deps.log.info({ server: serverId, players: this.waiting(serverId) }, 'stopped server started again for waiting players');
    const message = render(this.deps.options.failed_kick, { server: serverId, cause: started.reason });
    for (const w of [...this.waiters.values()]) if (w.serverId === serverId) this.kick(w, message);
  }
}
