/**
 * Owned, ordered filter registrations shared by the transport and codec layers. The run order is
 * a frozen snapshot rebuilt on every change (work up front; the hot paths only iterate it).
 *
 * A mistake the registering plugin alone made (duplicate id, bad priority) throws from
 * `register`. A cycle can span several plugins, so it is reported through `onOrderError` and the
 * previous good order stays in force (minus filters removed since); the filter that closed the
 * cycle stays registered but inactive until the cycle is broken.
 */
import type { FilterMetadata } from '../../sdk/filters.ts';
import type { Unregister } from '../../sdk/plugin.ts';
import { InfrarustError, isInfrarustError } from '../errors.ts';
import { orderFilters } from './filter-order.ts';
import { checkPriority } from './priority.ts';
import { samePlugin } from './owner.ts';

/**
 * One entry per id: a newer generation of a plugin shadows the older one's filter of the same id
 * during a hot reload (Set order is registration order, so the last one wins); if the new
 * generation is undone, the older entry becomes active again.
 */
function newestPerId<T>(all: Set<Registered<T>>): Registered<T>[] {
  const byId = new Map<string, Registered<T>>();
  for (const entry of all) byId.set(entry.id, entry);
  return [...byId.values()];
}

/** A registered filter: its metadata copied at registration (later mutation has no effect). */
export interface Registered<T> extends FilterMetadata {
  readonly owner: string;
  readonly value: T;
}

export interface OrderedRegistryOptions<T> {
  /** 'transport filter' or 'codec filter', used in messages. */
  layer: string;
  onOrderError: (err: InfrarustError) => void;
  /** Called after every change of the run order. */
  onChange?: (ordered: readonly Registered<T>[]) => void;
}

export class OrderedRegistry<T extends FilterMetadata> {
  readonly #options: OrderedRegistryOptions<T>;
  readonly #all = new Set<Registered<T>>();
  #ordered: readonly Registered<T>[] = Object.freeze([]);
  #version = 0;

  constructor(options: OrderedRegistryOptions<T>) {
    this.#options = options;
  }

  /** The active filters in run order (a frozen array replaced, never mutated). */
  get ordered(): readonly Registered<T>[] {
    return this.#ordered;
  }

  /** Bumped whenever `ordered` changes: a cheap staleness check for per-connection copies. */
  get version(): number {
    return this.#version;
  }

  get size(): number {
    return this.#all.size;
  }

  /** True while `entry` is registered (removed entries must stop running). */
  isRegistered(entry: Registered<T>): boolean {
    return this.#all.has(entry);
  }

  register(owner: string, value: T): Unregister {
    const entry = this.#entry(owner, value);
    this.#all.add(entry);
    this.#rebuild();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (this.#all.delete(entry)) this.#rebuild();
    };
  }

  /** Removes every filter `owner` registered; returns how many. */
  removeOwner(owner: string): number {
    let removed = 0;
    for (const entry of this.#all) {
      if (entry.owner !== owner) continue;
      this.#all.delete(entry);
      removed++;
    }
    if (removed > 0) this.#rebuild();
    return removed;
  }

  #entry(owner: string, value: T): Registered<T> {
    const layer = this.#options.layer;
    if (typeof value?.id !== 'string' || value.id.length === 0) {
      throw new InfrarustError('IR_ERR_PLUGIN_REGISTRATION_INVALID', `plugin ${owner}: a ${layer} needs a non-empty id such as "${owner}:name"`);
    }
    for (const other of this.#all) {
      if (other.id !== value.id || samePlugin(other.owner, owner)) continue;
      throw new InfrarustError(
        'IR_ERR_PLUGIN_FILTER_DUPLICATE',
        `plugin ${owner}: ${layer} id "${value.id}" is already registered by plugin ${other.owner}; ids must be unique within a layer`,
      );
    }
    const priority = checkPriority(value.priority, `plugin ${owner}, ${layer} "${value.id}"`);
    const after = Object.freeze([...(value.after ?? [])]);
    const before = Object.freeze([...(value.before ?? [])]);
    return Object.freeze({ id: value.id, priority, after, before, owner, value });
  }

  #rebuild(): void {
    let next: readonly Registered<T>[];
    try {
      next = orderFilters(newestPerId(this.#all), this.#options.layer);
    } catch (err) {
      if (!isInfrarustError(err, 'IR_ERR_PLUGIN_FILTER_CYCLE')) throw err;
      this.#options.onOrderError(err);
      next = this.#ordered.filter((entry) => this.#all.has(entry));
      if (next.length === this.#ordered.length) return;
    }
    this.#ordered = Object.freeze(next);
    this.#version++;
    this.#options.onChange?.(this.#ordered);
  }
}
