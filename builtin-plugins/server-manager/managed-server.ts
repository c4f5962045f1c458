/**
 * One managed server's state machine. It asks its backend for the state (every `poll_interval`
 * while starting or stopping, 6 × when stable, v2's rhythm; with doubling backoff up to 5 min
 * while the manager fails), takes pushed observations (process output, Docker events), and owns
 * the policy: a start that does not reach online within `start_timeout` or that falls back to
 * offline is a crash; a failed API is `unknown`; an online server with no players for
 * `shutdown_after` is stopped, the idle clock starting at the first check that saw it online.
 */
import type { Logger } from 'pino';
import type { ManagedServerInfo, ManagerActionResult, ServerState, ServerStateChangeInfo } from '../../sdk/index.ts';
import type { ManagerBackend, Observation } from './backends/backend.ts';
import type { ServerManagerConfig } from './options.ts';

const MAX_BACKOFF_MS = 5 * 60_000;
const STABLE_FACTOR = 6;

export interface Timers {
  delay(ms: number, task: () => void): { cancel(): void };
}

export interface ManagedServerDeps {
  log: Logger;
  timers: Timers;
  /** Players the proxy counts on a server (passthrough included), and those logging in to it. */
  players(serverId: string): number;
  onChange(change: ServerStateChangeInfo): void;
  now?: () => number;
}

export class ManagedServer {
  private current: ServerState = 'unknown';
  private since: number;
  private lastError: string | undefined;
  private failures = 0;
  private polling = false;
  private pollAgain = false;
  private pollTask: { cancel(): void } | undefined;
  private startTask: { cancel(): void } | undefined;
  private startedAt = 0;
  private idleSince: number | undefined;
  private readonly abort = new AbortController();
  private readonly now: () => number;

  constructor(
    readonly id: string,
    readonly config: ServerManagerConfig,
    private readonly backend: ManagerBackend,
    private readonly deps: ManagedServerDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.since = this.now();
  }

  /** Starts watching: the first probe sets the initial state (a server may already run). */
  begin(): void {
    this.backend.watch?.({ report: (o) => this.observe(o), probeNow: () => this.schedulePoll(0) }, this.abort.signal);
    this.schedulePoll(0);
  }

  get state(): ServerState {
    return this.current;
  }

  info(): ManagedServerInfo {
    return {
      serverId: this.id,
      type: this.config.type,
      state: this.current,
      since: this.since,
      lastError: this.lastError,
      startTimeoutMs: this.config.start_timeout,
      shutdownAfterMs: this.config.shutdown_after,
      players: this.deps.players(this.id),
    };
  }

  async start(why = 'requested'): Promise<ManagerActionResult> {
    if (this.current === 'online' || this.current === 'starting') return { ok: true, state: this.current };
    if (this.current === 'stopping') return { ok: false, reason: `${this.id} is stopping; start it once it has stopped` };
    this.deps.log.info({ server: this.id, why }, 'starting server');
    this.startedAt = this.now();
    this.set('starting');
    try {
      await this.backend.start(this.abort.signal);
    } catch (err) {
      const cause = messageOf(err);
      this.deps.log.error({ server: this.id, cause }, `server ${this.id} could not be started: ${cause}`);
      this.set('crashed', `start failed: ${cause}`);
      return { ok: false, reason: `start failed: ${cause}` };
    }
    this.startTask?.cancel();
    this.startTask = this.deps.timers.delay(this.config.start_timeout, () => this.startTimedOut());
    if (this.state === 'starting') this.schedulePoll(this.config.poll_interval);
    return { ok: true, state: this.state };
  }

  async stop(why = 'requested'): Promise<ManagerActionResult> {
    if (this.current === 'sleeping' || this.current === 'stopping') return { ok: true, state: this.current };
    this.deps.log.info({ server: this.id, why }, 'stopping server');
    this.startTask?.cancel();
    this.set('stopping');
    try {
      await this.backend.stop(this.abort.signal);
    } catch (err) {
      const cause = messageOf(err);
      this.deps.log.error({ server: this.id, cause }, `server ${this.id} could not be stopped: ${cause}`);
      this.set('unknown', `stop failed: ${cause}`);
      this.schedulePoll(this.config.poll_interval);
      return { ok: false, reason: `stop failed: ${cause}` };
    }
    if (this.state === 'stopping') this.schedulePoll(this.config.poll_interval);
    return { ok: true, state: this.state };
  }

  /** Called every second or so: stops the server once it has had no players for `shutdown_after`. */
  idleCheck(): void {
    const limit = this.config.shutdown_after;
    if (limit === undefined || this.current !== 'online') return void (this.idleSince = undefined);
    const now = this.now();
    // The clock starts at the first check that sees nobody, so a server is never stopped sooner
    // than `shutdown_after` after its last player left (at most one tick later).
    if (this.deps.players(this.id) > 0) return void (this.idleSince = undefined);
    if (this.idleSince === undefined) return void (this.idleSince = now);
    if (now - this.idleSince < limit) return;
    this.idleSince = undefined;
    void this.stop(`no players for ${Math.round(limit / 1000)} s (shutdown_after)`);
  }

  /** Stops watching; `closeBackend` also stops what the backend runs (local processes). */
  async close(closeBackend: boolean): Promise<void> {
    if (closeBackend && (this.current === 'online' || this.current === 'starting')) {
      this.deps.log.info({ server: this.id, why: 'its manager is closing (proxy stopping, plugin unloading, or [server_manager] changed)' }, 'stopping server');
    }
    this.abort.abort();
    this.pollTask?.cancel();
    this.startTask?.cancel();
    if (closeBackend) await this.backend.close?.();
  }

  private observe(o: Observation): void {
    let { state, cause } = o;
    // A panel may still say offline just after the start request; after two polls it means the start failed.
    if (this.current === 'starting' && state === 'sleeping' && this.config.type !== 'local') {
      if (this.now() - this.startedAt < 2 * this.config.poll_interval + 1_000) return;
      state = 'crashed';
      cause = 'the server went back to offline while starting';
    }
    // Crashed sticks until the server runs again (or is started): the stop that follows a failed
    // start, or a panel that now says offline, must not make it look merely asleep.
    if (this.current === 'crashed' && (state === 'sleeping' || state === 'stopping')) return;
    if (state === 'online' || state === 'sleeping') this.startTask?.cancel();
    if (state === 'crashed') {
      this.startTask?.cancel();
      this.deps.log.error({ server: this.id, cause }, `server ${this.id} crashed: ${cause ?? 'no cause given'}`);
    }
    this.set(state, cause);
  }

  private startTimedOut(): void {
    if (this.current !== 'starting') return;
    const cause = `not online within start_timeout (${Math.round(this.config.start_timeout / 1000)} s)`;
    this.deps.log.error({ server: this.id, cause }, `server ${this.id} failed to start: ${cause}`);
    this.set('crashed', cause);
    if (this.config.type === 'local') void this.backend.stop(this.abort.signal).catch(() => undefined);
  }

  private set(next: ServerState, cause?: string): void {
    if (next === 'crashed' || next === 'unknown') this.lastError = cause ?? this.lastError;
    if (next === 'online') this.lastError = undefined;
    if (next === this.current) return;
    const previous = this.current;
    this.current = next;
    this.since = this.now();
    this.deps.log.info({ server: this.id, previous, next, cause }, `server ${this.id}: ${previous} -> ${next}`);
    this.deps.onChange({ serverId: this.id, previous, next, cause });
  }

  private schedulePoll(ms: number): void {
    if (this.abort.signal.aborted) return;
    this.pollTask?.cancel();
    this.pollTask = this.deps.timers.delay(ms, () => void this.poll());
  }

  private async poll(): Promise<void> {
    // One probe at a time: a probe asked for meanwhile (an event) runs right after this one.
    if (this.polling) return void (this.pollAgain = true);
    this.polling = true;
    try {
      const o = await this.backend.probe(this.abort.signal);
      if (this.abort.signal.aborted) return;
      this.failures = 0;
      this.observe(o);
    } catch (err) {
      if (this.abort.signal.aborted) return;
      this.failures++;
      const cause = messageOf(err);
      this.deps.log.warn({ server: this.id, cause, failures: this.failures }, `server ${this.id}: the ${this.config.type} manager cannot tell the state: ${cause}`);
      if (this.current !== 'starting' || this.failures > 1) this.set('unknown', cause);
    } finally {
      this.polling = false;
    }
    this.schedulePoll(this.pollAgain ? 0 : this.nextPollMs());
    this.pollAgain = false;
  }

  private nextPollMs(): number {
    const base = this.config.poll_interval;
    if (this.failures > 0) return Math.min(base * 2 ** this.failures, MAX_BACKOFF_MS);
    return this.current === 'starting' || this.current === 'stopping' ? base : base * STABLE_FACTOR;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
