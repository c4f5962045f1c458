/**
 * The one adapter that makes a WASM guest look like any other plugin: its definition's setup
 * starts the guest's worker, checks `metadata()` against plugin.json, and runs `on-enable`; every
 * host import the guest calls becomes the same `ctx` call a native plugin makes (so the ledger,
 * `plugin list`, unload and reload work unchanged). A call that overruns its deadline
 * terminates the worker; the guest is then re-instantiated (its registrations undone and made
 * again by a fresh `on-enable`) and the fault counted.
 */
import type { EventMap, EventName } from '../../../sdk/events.ts';
import type { PluginContext, PluginDefinition, PluginManifest } from '../../../sdk/plugin.ts';
import { InfrarustError } from '../../errors.ts';
import { GuestWorker, type WorkerLimits } from './guest-worker.ts';
import { coreModules } from './core-modules.ts';
import { DEFAULT_RECOVERY, FaultWindow, type RecoveryPolicy } from './quarantine.ts';
import { applyOutcome, toWitEvent } from './event-codec.ts';
import { hostImports, type Registrations } from './host-imports.ts';

export interface GuestPluginOptions {
  /** Transpiled component folder. */
  dir: string;
  manifest: PluginManifest;
  /** The plugin's `[plugins.<id>]` keys that are its own (host keys removed). */
  config: Record<string, unknown>;
  /** Per event or command call (default 50 ms). */
  callDeadlineMs: number;
  /** on-enable, on-disable and instantiation. */
  lifecycleDeadlineMs: number;
  /** Memory, queue, budgets and recovery (defaults: limits.ts of the loader, quarantine.ts). */
  limits?: GuestLimits;
  /** Disables the plugin until reloaded (the host's `quarantine`); without it the guest only stops. */
  quarantine?: (ctx: object, reason: string, err: unknown) => Promise<boolean>;
}

export interface GuestLimits extends Omit<WorkerLimits, 'modules' | 'maxMemoryBytes'> {
  /** The maximum of each memory the guest defines, bytes (default 64 MiB). */
  memoryBytes?: number;
  recovery?: RecoveryPolicy;
}

export function guestPluginDefinition(options: GuestPluginOptions): PluginDefinition<unknown> {
  let runtime: GuestRuntime | undefined;
  return {
    async setup(ctx) {
      const r = (runtime = new GuestRuntime(options, ctx as PluginContext<unknown>));
      try {
        await r.start();
      } catch (err) {
        await r.stop(false);
        throw err;
      }
    },
    async teardown() {
      await runtime?.stop();
    },
  };
}

/** Statistics visible to tests and (later) `plugin list`. */
export interface GuestStats {
  faults: number;
  restarts: number;
  /** Set once the guest was quarantined (the reason). */
  quarantined?: string;
}

class GuestRuntime {
  private worker: GuestWorker | undefined;
  private regs: Registrations = newRegistrations();
  private restarting: Promise<void> | undefined;
  private stopped = false;
  /** Faults before on-enable first succeeded fail the setup instead of restarting the guest. */
  private started = false;
  readonly stats: GuestStats = { faults: 0, restarts: 0 };
  private readonly label: string;
  private readonly faults: FaultWindow;
  /** Set while a restart waits out its backoff: calls then fail at once instead of waiting. */
  private backingOff = false;

  constructor(private readonly options: GuestPluginOptions, private readonly ctx: PluginContext<unknown>) {
    this.label = `plugin ${options.manifest.id}`;
    this.faults = new FaultWindow(options.limits?.recovery ?? DEFAULT_RECOVERY);
  }

  async start(): Promise<void> {
    const worker = await this.spawnLimited();
    await worker.ready;
    const meta = (await worker.call('metadata', [], this.options.lifecycleDeadlineMs)) as { id?: unknown; version?: unknown } | null;
    if (meta?.id !== this.options.manifest.id) {
      throw new InfrarustError('IR_ERR_WASM_INVALID', `${this.label}: the component's metadata() says id "${String(meta?.id)}", but its plugin.json says "${this.options.manifest.id}"; rebuild it with \`infrarust plugin build\``);
    }
    await worker.call('onEnable', [], this.options.lifecycleDeadlineMs);
    this.started = true;
  }

  /** Runs on-disable (when `disable` and the guest is running), undoes its registrations, ends the worker. */
  async stop(disable = true): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    if (disable && worker?.running === true) await worker.call('onDisable', [], this.options.lifecycleDeadlineMs).catch(() => undefined);
    this.undoRegistrations();
    await worker?.terminate();
  }

  /** A worker with the plugin's limits, its core modules compiled once with the memory maximum. */
  private async spawnLimited(): Promise<GuestWorker> {
    const { memoryBytes = DEFAULT_MEMORY_BYTES, recovery: _recovery, ...rest } = this.options.limits ?? {};
    const modules = await coreModules(this.options.dir, memoryBytes, this.label);
    return this.spawn({ ...rest, modules, maxMemoryBytes: memoryBytes });
  }

  private spawn(limits: WorkerLimits): GuestWorker {
    const worker = new GuestWorker({
      limits,
      dir: this.options.dir,
      label: this.label,
      startTimeoutMs: this.options.lifecycleDeadlineMs,
      hostCallTimeoutMs: 5_000,
      onHost: hostImports({
        ctx: this.ctx,
        regs: () => this.regs,
        config: this.options.config,
        onEvent: (id, name) => this.listener(id, name),
        onCommand: (name) => this.command(name),
        onTask: (id) => void this.guestCall('onTask', [BigInt(id)]).catch((err: unknown) => this.ctx.log.warn({ err }, 'scheduled task failed')),
        call: (method, args) => this.guestCall(method, args),
        label: this.label,
      }),
      onLog: (level, message) => guestLog(this.ctx, level, message),
      onExit: (reason) => this.fault(new InfrarustError('IR_ERR_WASM_GUEST', `${this.label}: the guest worker ${reason}`)),
    });
    this.worker = worker;
    return worker;
  }

  /** The function registered on the event bus for the guest's listener `id`. */
  private listener(id: number, name: EventName) {
    return async (event: EventMap[EventName]): Promise<never> => {
      const outcome = await this.guestCall('onEvent', [BigInt(id), toWitEvent(name, event)]);
      return applyOutcome(this.label, name, event, outcome) as never;
    };
  }

  private command(name: string) {
    return async (source: { player?: { username: string }; reply(text: string): void }, args: string[]): Promise<void> => {
      const lines = await this.guestCall('onCommand', [name, args, source.player?.username]);
      if (!Array.isArray(lines)) throw new InfrarustError('IR_ERR_WASM_GUEST', `${this.label}: on-command returned no list of lines`);
      for (const line of lines.slice(0, 100)) source.reply(String(line).slice(0, 32_767));
    };
  }

  /** A call with the per-call deadline; an overrun or a dead worker counts a fault and restarts. */
  private async guestCall(method: string, args: unknown[]): Promise<unknown> {
    if (this.backingOff) throw new InfrarustError('IR_ERR_WASM_GUEST', `${this.label}: the guest is restarting after a fault`);
    if (this.restarting !== undefined) await this.restarting;
    const worker = this.worker;
    if (worker === undefined || !worker.running) throw new InfrarustError('IR_ERR_WASM_GUEST', `${this.label}: the guest is not running`);
    try {
      return await worker.call(method, args, this.options.callDeadlineMs);
    } catch (err) {
      if ((err as { trap?: boolean }).trap === true) await worker.terminate('trapped');
      if (!worker.running) this.fault(err);
      throw err;
    }
  }

  /**
   * Counts a fault and re-instantiates the guest (once at a time) after the recovery policy's
   * backoff, or quarantines the plugin when the window holds more faults than it allows.
   */
  private fault(err: unknown): void {
    if (!this.started || this.stopped || this.restarting !== undefined) return;
    this.stats.faults++;
    const decision = this.faults.record();
    if (decision.action === 'quarantine') return this.enterQuarantine(err, decision.inWindow);
    const delay = decision.delayMs;
    this.ctx.log.warn({ err, code: (err as InfrarustError).code, faults: this.stats.faults, inWindow: decision.inWindow, backoffMs: delay }, `${this.label}: guest fault; re-instantiating it${delay > 0 ? ` in ${delay} ms` : ''}`);
    // Registrations stay while it backs off: its calls fail at once, so its access gates deny
    // (fail closed) and observers skip it; restart() replaces them.
    this.backingOff = delay > 0;
    this.restarting = new Promise<void>((resolve) => setTimeout(resolve, delay).unref())
      .then(() => ((this.backingOff = false), this.restart()))
      .then(
        () => (this.restarting = undefined),
        (e: unknown) => {
          this.restarting = undefined;
          this.ctx.log.error({ err: e, code: (e as InfrarustError).code }, `${this.label}: re-instantiation failed`);
          this.fault(e); // counted too: backs off further, then quarantines
        },
      );
  }

  private enterQuarantine(err: unknown, inWindow: number): void {
    const windowS = Math.round((this.options.limits?.recovery ?? DEFAULT_RECOVERY).windowMs / 1000);
    const reason = `quarantined after ${inWindow} faults in ${windowS} s (last: ${(err as Error)?.message ?? String(err)}); reload the plugin to run it again`;
    this.stats.quarantined = reason;
    this.stopped = true;
    this.backingOff = false;
    this.ctx.log.error({ err, code: 'IR_ERR_WASM_QUARANTINED', faults: this.stats.faults }, `${this.label}: ${reason}`);
    this.undoRegistrations();
    const worker = this.worker;
    void worker?.terminate('quarantined').then(() => this.options.quarantine?.(this.ctx, reason, err));
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    // The old registrations stay while the new instance starts, their calls failing at once (an
    // access gate denies: fail closed); they go only when on-enable is about to make new ones.
    let worker: Awaited<ReturnType<typeof this.spawnLimited>>;
    this.backingOff = true;
    try {
      await this.worker?.terminate();
      this.stats.restarts++;
      worker = await this.spawnLimited();
      if (this.stopped) return void (await worker.terminate());
      await worker.ready;
      this.undoRegistrations();
    } finally {
      this.backingOff = false;
    }
    await worker.call('onEnable', [], this.options.lifecycleDeadlineMs);
  }

  private undoRegistrations(): void {
    const regs = this.regs;
    this.regs = newRegistrations();
    for (const undo of [...regs.listeners.values(), ...regs.commands.values(), ...regs.tasks.values(), ...[...regs.caps.values()].map((c) => c.undo)].reverse()) undo();
  }
}

const DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024;

function newRegistrations(): Registrations {
  return { listeners: new Map(), commands: new Map(), tasks: new Map(), caps: new Map(), nextId: 1 };
}

function guestLog(ctx: PluginContext<unknown>, level: string, message: string): void {
  const text = message.length > 8192 ? `${message.slice(0, 8192)}…` : message;
  const fn = level === 'error' ? ctx.log.error : level === 'warn' ? ctx.log.warn : level === 'debug' ? ctx.log.debug : level === 'trace' ? ctx.log.trace : ctx.log.info;
  fn.call(ctx.log, text);
}

