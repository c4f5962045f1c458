/**
 * Layer 1, transport filters: shared instances that see the raw bytes of every connection,
 * passthrough included. They are security gates, so every failure fails closed: a hook that
 * throws, times out or returns something that is not a verdict rejects the connection.
 *
 * The registry keeps one array per hook, rebuilt when filters change, so the relay asks
 * `hasClientDataHooks` / `hasServerDataHooks` once per chunk and pays nothing else when no
 * filter looks at data. The registry is live: a filter registered mid-connection sees that
 * connection's close, and its later data when the connection was accepted while some filter had
 * a data hook (kernel/net/transport-tap.ts); a removed filter is never called again (not even
 * onClose), which is what a plugin unload needs.
 */
import { rejectVerdict, type TransportContext, type TransportFilter, type TransportVerdict } from '../../sdk/filters.ts';
import type { Unregister } from '../../sdk/plugin.ts';
import type { InfrarustError } from '../errors.ts';
import { OrderedRegistry, type Registered } from './ordered-registry.ts';
import { checkTimeout, ignoreLateRejection, isThenable, settleWithin } from './hook-timeout.ts';
import type { LayerLogger } from './layer-logger.ts';

export type RejectVerdict = Extract<TransportVerdict, { type: 'reject' }>;

/** What the connection gets when a filter failed: the reason stays in the log, not on the wire. */
export const INTERNAL_ERROR_REJECT: RejectVerdict = Object.freeze(rejectVerdict('Internal error')) as RejectVerdict;
const CONTINUE: TransportVerdict = Object.freeze({ type: 'continue' });

export interface TransportRegistryOptions {
  logger: LayerLogger;
  /** Reports an after/before cycle; the previous order stays in force. */
  onOrderError: (err: InfrarustError) => void;
  /** Limit for an onAccept that returns a promise. Default 10 000 ms. */
  acceptTimeoutMs?: number;
}

type Entry = Registered<TransportFilter>;
type DataHook = 'onClientData' | 'onServerData';

/** True when a data helper returned a rejection rather than bytes. */
export function isReject(outcome: Uint8Array | RejectVerdict): outcome is RejectVerdict {
  return !(outcome instanceof Uint8Array);
}

export class TransportRegistry {
  readonly #logger: LayerLogger;
  readonly #acceptTimeoutMs: number;
  readonly #filters: OrderedRegistry<TransportFilter>;
  #accept: readonly Entry[] = [];
  #clientData: readonly Entry[] = [];
  #serverData: readonly Entry[] = [];
  #close: readonly Entry[] = [];

  constructor(options: TransportRegistryOptions) {
    this.#logger = options.logger;
    this.#acceptTimeoutMs = checkTimeout(options.acceptTimeoutMs ?? 10_000, 'acceptTimeoutMs');
    this.#filters = new OrderedRegistry<TransportFilter>({
      layer: 'transport filter',
      onOrderError: options.onOrderError,
      onChange: (ordered) => this.#splitByHook(ordered),
    });
  }

  register(owner: string, filter: TransportFilter): Unregister {
    return this.#filters.register(owner, filter);
  }

  removeOwner(owner: string): number {
    return this.#filters.removeOwner(owner);
  }

  /** No active filter at all: the kernel can skip accept and close too. */
  get isEmpty(): boolean {
    return this.#filters.ordered.length === 0;
  }

  get hasDataHooks(): boolean {
    return this.#clientData.length > 0 || this.#serverData.length > 0;
  }

  get hasClientDataHooks(): boolean {
    return this.#clientData.length > 0;
  }

  get hasServerDataHooks(): boolean {
    return this.#serverData.length > 0;
  }

  /** The active filters' ids in run order (for diagnostics and tests). */
  get order(): string[] {
    return this.#filters.ordered.map((entry) => entry.id);
  }

  /** The active filters in run order (the test kit's view of what a plugin registered). */
  get filters(): TransportFilter[] {
    return this.#filters.ordered.map((entry) => entry.value);
  }

  /**
   * Runs every onAccept in order; the first reject wins and stops the rest. Synchronous while
   * the filters are (the usual case: a verdict comes back without a promise or a microtask);
   * from the first onAccept that returns a promise on, the rest run after it settles.
   */
  runAccept(ctx: TransportContext): TransportVerdict | Promise<TransportVerdict> {
    return this.#acceptFrom(this.#accept, 0, ctx);
  }

  #acceptFrom(list: readonly Entry[], start: number, ctx: TransportContext): TransportVerdict | Promise<TransportVerdict> {
    for (let i = start; i < list.length; i++) {
      const entry = list[i];
      let verdict: unknown;
      try {
        verdict = entry.value.onAccept!(ctx);
      } catch (err) {
        return this.#failed(entry, 'onAccept', err);
      }
      if (isThenable(verdict)) return this.#acceptAfter(list, i, ctx, verdict);
      if (!isVerdict(verdict)) return this.#failed(entry, 'onAccept', notAVerdict(verdict));
      if (verdict.type === 'reject') return verdict;
    }
    return CONTINUE;
  }

  async #acceptAfter(list: readonly Entry[], i: number, ctx: TransportContext, pending: PromiseLike<unknown>): Promise<TransportVerdict> {
    const entry = list[i];
    let verdict: unknown;
    try {
      verdict = await settleWithin(pending, this.#acceptTimeoutMs, `transport filter "${entry.id}" onAccept (plugin ${entry.owner})`);
    } catch (err) {
      return this.#failed(entry, 'onAccept', err);
    }
    if (!isVerdict(verdict)) return this.#failed(entry, 'onAccept', notAVerdict(verdict));
    if (verdict.type === 'reject') return verdict;
    return this.#acceptFrom(list, i + 1, ctx);
  }

  /** Client → server bytes through every onClientData: the (possibly new) bytes, or a reject. */
  runClientData(ctx: TransportContext, data: Uint8Array): Uint8Array | RejectVerdict {
    return this.#runData(this.#clientData, 'onClientData', ctx, data);
  }

  /** Server → client bytes through every onServerData. */
  runServerData(ctx: TransportContext, data: Uint8Array): Uint8Array | RejectVerdict {
    return this.#runData(this.#serverData, 'onServerData', ctx, data);
  }

  /** Tells every filter the connection closed. Failures are logged; all filters are told. */
  runClose(ctx: TransportContext): void {
    for (const entry of this.#close) {
      try {
        entry.value.onClose!(ctx);
      } catch (err) {
        this.#logger.error({ plugin: entry.owner, hook: 'transport:onClose', filter: entry.id, err }, 'transport filter failed in onClose');
      }
    }
  }

  #runData(entries: readonly Entry[], hook: DataHook, ctx: TransportContext, data: Uint8Array): Uint8Array | RejectVerdict {
    let current = data;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      let verdict: TransportVerdict;
      try {
        verdict = entry.value[hook]!(ctx, current);
      } catch (err) {
        return this.#failed(entry, hook, err);
      }
      if (verdict?.type === 'continue') continue;
      if (verdict?.type === 'reject') return verdict;
      if (verdict?.type === 'modified' && verdict.data instanceof Uint8Array) current = verdict.data;
      else {
        ignoreLateRejection(verdict);
        return this.#failed(entry, hook, notAVerdict(verdict));
      }
    }
    return current;
  }

  #failed(entry: Entry, hook: string, err: unknown): RejectVerdict {
    this.#logger.error({ plugin: entry.owner, hook: `transport:${hook}`, filter: entry.id, err }, 'transport filter failed; connection rejected (fail closed)');
    return INTERNAL_ERROR_REJECT;
  }

  #splitByHook(ordered: readonly Entry[]): void {
    this.#accept = ordered.filter((e) => typeof e.value.onAccept === 'function');
    this.#clientData = ordered.filter((e) => typeof e.value.onClientData === 'function');
    this.#serverData = ordered.filter((e) => typeof e.value.onServerData === 'function');
    this.#close = ordered.filter((e) => typeof e.value.onClose === 'function');
  }
}

function isVerdict(value: unknown): value is TransportVerdict {
  const type = (value as { type?: unknown } | null | undefined)?.type;
  return type === 'continue' || type === 'reject' || type === 'modified';
}

function notAVerdict(value: unknown): TypeError {
  return new TypeError(`hook returned ${value === null ? 'null' : typeof value}, not a verdict (continueVerdict(), rejectVerdict(reason) or { type: 'modified', data })`);
}
