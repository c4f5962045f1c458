/**
 * Layer 2, codec filters: factories registered once, one instance per connection and side,
 * called synchronously for every framed packet in filter order.
 *
 * Injection: packets injected by filter i (before or after the current one) skip filters 0..i
 * and run through filters i+1..n, like packets that filter i had produced itself; afters follow
 * the current packet's own trip through the rest of the chain.
 *
 * Failure closes the connection: an `error` verdict throws IR_ERR_PLUGIN_CODEC_REJECT; a filter
 * that throws or returns no valid verdict is logged with its owner and throws IR_ERR_PLUGIN_HOOK.
 *
 * Hot path: when every filter passes, `process` allocates nothing (the output array and each
 * filter's FrameOutput are reused). Measured on Node 20 (tsx), 3 passing filters × 1M packets:
 * ≈ 25 ns/packet with no GC during the run (passPacket() returns a shared frozen verdict).
 *
 * Plugin unload: a chain notices the registry version changed and drops the instances of removed
 * factories (calling their onClose). Factories registered later do not join live connections:
 * they missed the state history their instance would need.
 */
import type { CodecContext, CodecFilterFactory, CodecFilterInstance, CodecVerdict, FramedPacket } from '../../sdk/filters.ts';
import type { Unregister } from '../../sdk/plugin.ts';
import { InfrarustError } from '../errors.ts';
import { OrderedRegistry, type Registered } from './ordered-registry.ts';
import { CollectingOutput, isFramedPacket } from './codec-output.ts';
import { ignoreLateRejection } from './hook-timeout.ts';
import type { LayerLogger } from './layer-logger.ts';

export interface CodecRegistryOptions {
  logger: LayerLogger;
  /** Reports an after/before cycle; the previous order stays in force. */
  onOrderError: (err: InfrarustError) => void;
}

type Entry = Registered<CodecFilterFactory>;

export class CodecRegistry {
  readonly logger: LayerLogger;
  readonly #factories: OrderedRegistry<CodecFilterFactory>;

  constructor(options: CodecRegistryOptions) {
    this.logger = options.logger;
    this.#factories = new OrderedRegistry<CodecFilterFactory>({ layer: 'codec filter', onOrderError: options.onOrderError });
  }

  register(owner: string, factory: CodecFilterFactory): Unregister {
    if (typeof factory?.create !== 'function') throw new TypeError(`plugin ${owner}: a codec filter factory needs a create(ctx) method`);
    return this.#factories.register(owner, factory);
  }

  removeOwner(owner: string): number {
    return this.#factories.removeOwner(owner);
  }

  get isEmpty(): boolean {
    return this.#factories.ordered.length === 0;
  }

  /** The active factories' ids in run order. */
  get order(): string[] {
    return this.#factories.ordered.map((entry) => entry.id);
  }

  get ordered(): readonly Entry[] {
    return this.#factories.ordered;
  }

  get version(): number {
    return this.#factories.version;
  }

  isRegistered(entry: Entry): boolean {
    return this.#factories.isRegistered(entry);
  }
}

interface Slot {
  readonly entry: Entry;
  readonly instance: CodecFilterInstance;
  readonly output: CollectingOutput;
}

/**
 * A chain for one connection side, or null when no factory wants this connection (the kernel
 * then skips the layer entirely). A factory that throws closes the connection (fail closed).
 */
export function createCodecChain(registry: CodecRegistry, ctx: CodecContext): CodecChain | null {
  const version = registry.version;
  const slots: Slot[] = [];
  for (const entry of registry.ordered) {
    let instance: CodecFilterInstance | undefined;
    try {
      instance = entry.value.create(ctx);
    } catch (err) {
      for (const slot of slots) closeSlot(slot, registry.logger);
      throw hookFailure(registry.logger, entry, 'create', err);
    }
    if (instance !== undefined && instance !== null) slots.push({ entry, instance, output: new CollectingOutput(entry.id, entry.owner, registry.logger) });
  }
  return slots.length === 0 ? null : new CodecChain(registry, ctx, slots, version);
}

export class CodecChain {
  readonly #registry: CodecRegistry;
  readonly #ctx: CodecContext;
  #slots: readonly Slot[];
  #version: number;
  readonly #out: FramedPacket[] = [];

  constructor(registry: CodecRegistry, ctx: CodecContext, slots: readonly Slot[], version: number) {
    this.#registry = registry;
    this.#ctx = ctx;
    this.#slots = slots;
    this.#version = version;
  }

  /** Instances still running (drops to 0 after close or when their plugins unload). */
  get size(): number {
    return this.#slots.length;
  }

  /**
   * The packets to send in place of `packet`, in order. The returned array is reused: read it
   * before the next call. Throws an InfrarustError when the connection must close.
   */
  process(packet: FramedPacket): FramedPacket[] {
    if (this.#version !== this.#registry.version) this.#dropRemoved();
    const out = this.#out;
    // pop() keeps the backing store; `length = 0` would free it and make push() allocate anew.
    while (out.length > 0) out.pop();
    this.#runFrom(0, packet, out);
    return out;
  }

  /** Records the new protocol state and tells every instance. */
  setState(state: CodecContext['state']): void {
    this.#ctx.state = state;
    this.#notify('onStateChange', state);
  }

  onCompression(threshold: number): void {
    this.#notify('onCompression', threshold);
  }

  onEncryption(): void {
    this.#notify('onEncryption', undefined);
  }

  /** Tells every instance the connection closed; idempotent, never throws. */
  close(): void {
    const slots = this.#slots;
    this.#slots = [];
    for (const slot of slots) closeSlot(slot, this.#registry.logger);
  }

  #runFrom(start: number, packet: FramedPacket, out: FramedPacket[]): void {
    const slots = this.#slots;
    let current = packet;
    for (let i = start; i < slots.length; i++) {
      const slot = slots[i];
      const verdict = this.#call(slot, current);
      if (slot.output.before !== null || slot.output.after !== null) {
        this.#withInjections(i, slot, verdict, current, out);
        return;
      }
      if (verdict.type === 'pass') continue;
      const next = this.#apply(slot, verdict);
      if (next === null) return;
      current = next;
    }
    out.push(current);
  }

  /** Befores first, then the current packet (unless dropped), then afters: each from filter i+1. */
  #withInjections(i: number, slot: Slot, verdict: CodecVerdict, current: FramedPacket, out: FramedPacket[]): void {
    const { before, after } = slot.output;
    slot.output.reset();
    const next = verdict.type === 'pass' ? current : this.#apply(slot, verdict);
    if (before !== null) for (const p of before) this.#runFrom(i + 1, p, out);
    if (next !== null) this.#runFrom(i + 1, next, out);
    if (after !== null) for (const p of after) this.#runFrom(i + 1, p, out);
  }

  /** The packet that continues (null when dropped); throws for error verdicts. */
  #apply(slot: Slot, verdict: CodecVerdict): FramedPacket | null {
    if (verdict.type === 'drop') return null;
    if (verdict.type === 'replace' && isFramedPacket(verdict.packet)) return verdict.packet;
    if (verdict.type === 'error') {
      const { id, owner } = slot.entry;
      throw new InfrarustError('IR_ERR_PLUGIN_CODEC_REJECT', `codec filter "${id}" (plugin ${owner}) closed the connection: ${String(verdict.reason)}`);
    }
    throw hookFailure(this.#registry.logger, slot.entry, 'filter', notAVerdict(verdict));
  }

  #call(slot: Slot, packet: FramedPacket): CodecVerdict {
    const output = slot.output;
    output.open = true;
    let verdict: CodecVerdict;
    try {
      verdict = slot.instance.filter(packet, output);
    } catch (err) {
      output.reset();
      throw hookFailure(this.#registry.logger, slot.entry, 'filter', err);
    } finally {
      output.open = false;
    }
    if (typeof verdict?.type !== 'string') {
      output.reset();
      ignoreLateRejection(verdict);
      throw hookFailure(this.#registry.logger, slot.entry, 'filter', notAVerdict(verdict));
    }
    return verdict;
  }

  #notify<H extends 'onStateChange' | 'onCompression' | 'onEncryption'>(hook: H, arg: Parameters<NonNullable<CodecFilterInstance[H]>>[0]): void {
    for (const slot of this.#slots) {
      const fn = slot.instance[hook] as ((value: typeof arg) => void) | undefined;
      if (fn === undefined) continue;
      try {
        fn.call(slot.instance, arg);
      } catch (err) {
        throw hookFailure(this.#registry.logger, slot.entry, hook, err);
      }
    }
  }

  #dropRemoved(): void {
    this.#version = this.#registry.version;
    const kept = this.#slots.filter((slot) => this.#registry.isRegistered(slot.entry));
    for (const slot of this.#slots) if (!kept.includes(slot)) closeSlot(slot, this.#registry.logger);
    this.#slots = kept;
  }
}

function closeSlot(slot: Slot, logger: LayerLogger): void {
  try {
    slot.instance.onClose?.();
  } catch (err) {
    logger.error({ plugin: slot.entry.owner, hook: 'codec:onClose', filter: slot.entry.id, err }, 'codec filter failed in onClose');
  }
}

/** Logs a plugin failure and returns the error that closes the connection. */
function hookFailure(logger: LayerLogger, entry: Entry, hook: string, err: unknown): InfrarustError {
  logger.error({ plugin: entry.owner, hook: `codec:${hook}`, filter: entry.id, err }, 'codec filter failed; connection closed (fail closed)');
  return new InfrarustError('IR_ERR_PLUGIN_HOOK', `codec filter "${entry.id}" (plugin ${entry.owner}) failed in ${hook}; the connection was closed`, { cause: err });
}

function notAVerdict(value: unknown): TypeError {
  const type = (value as { type?: unknown } | null | undefined)?.type;
  const got = value === null ? 'null' : type === undefined ? typeof value : `a verdict of type ${String(type)}`;
  return new TypeError(`filter returned ${got}, not a valid verdict (passPacket(), dropPacket(), replacePacket({ id, data }) or { type: 'error', reason })`);
}
