/**
 * Filter ordering for both byte-level layers: a topological sort of the `after`/`before`
 * constraints, ties broken by priority (0 first, default 128) and then by id, so the order
 * depends only on the set of filters, never on load or registration order. Constraints that
 * name unregistered ids are ignored (the other plugin may simply not be installed).
 */
import type { FilterMetadata } from '../../sdk/filters.ts';
import { InfrarustError } from '../errors.ts';
import { checkPriority } from './priority.ts';

/** The filters in run order. Throws on duplicate ids, bad priorities and cycles. */
export function orderFilters<T extends FilterMetadata>(items: readonly T[], layer = 'filter'): T[] {
  const byId = indexById(items, layer);
  const rank = new Map<T, number>();
  for (const item of items) rank.set(item, checkPriority(item.priority, `${layer} "${item.id}"`));
  const successors = buildEdges(items, byId);
  const pending = new Map<string, number>(items.map((item) => [item.id, 0]));
  for (const next of successors.values()) for (const id of next) pending.set(id, pending.get(id)! + 1);

  const before = (a: T, b: T): boolean => rank.get(a)! < rank.get(b)! || (rank.get(a) === rank.get(b) && a.id < b.id);
  const ready = items.filter((item) => pending.get(item.id) === 0).sort((a, b) => (before(a, b) ? -1 : 1));
  const order: T[] = [];
  while (ready.length > 0) {
    const item = ready.shift()!;
    order.push(item);
    for (const id of successors.get(item.id) ?? []) {
      const left = pending.get(id)! - 1;
      pending.set(id, left);
      if (left === 0) insertSorted(ready, byId.get(id)!, before);
    }
  }
  if (order.length < items.length) throw cycleError(successors, pending, layer);
  return order;
}

function indexById<T extends FilterMetadata>(items: readonly T[], layer: string): Map<string, T> {
  const byId = new Map<string, T>();
  for (const item of items) {
    if (typeof item.id !== 'string' || item.id.length === 0) {
      throw new InfrarustError('IR_ERR_PLUGIN_REGISTRATION_INVALID', `a ${layer} has no id; give it a unique one such as "my-plugin:throttle"`);
    }
    if (byId.has(item.id)) {
      throw new InfrarustError('IR_ERR_PLUGIN_FILTER_DUPLICATE', `two ${layer}s have the id "${item.id}"; ids must be unique within a layer`);
    }
    byId.set(item.id, item);
  }
  return byId;
}

/** Edges point from the filter that runs first to the one that runs after it. */
function buildEdges<T extends FilterMetadata>(items: readonly T[], byId: ReadonlyMap<string, T>): Map<string, Set<string>> {
  const successors = new Map<string, Set<string>>();
  const edge = (from: string, to: string): void => {
    if (!byId.has(from) || !byId.has(to)) return;
    let set = successors.get(from);
    if (set === undefined) successors.set(from, (set = new Set()));
    set.add(to);
  };
  for (const item of items) {
    for (const id of item.after ?? []) edge(id, item.id);
    for (const id of item.before ?? []) edge(item.id, id);
  }
  return successors;
}

function insertSorted<T>(list: T[], item: T, before: (a: T, b: T) => boolean): void {
  let i = list.length;
  while (i > 0 && before(item, list[i - 1])) i--;
  list.splice(i, 0, item);
}

/** Finds one cycle among the filters the sort could not place, smallest id first, and names it. */
function cycleError(successors: ReadonlyMap<string, Set<string>>, pending: ReadonlyMap<string, number>, layer: string): InfrarustError {
  const stuck = [...pending].filter(([, left]) => left > 0).map(([id]) => id).sort();
  const path = findCycle(stuck, successors, new Set(stuck)) ?? stuck;
  return new InfrarustError(
    'IR_ERR_PLUGIN_FILTER_CYCLE',
    `${layer}s ${path.join(' -> ')} form a cycle: each must run before the next; remove one of their after/before constraints`,
  );
}

function findCycle(starts: readonly string[], successors: ReadonlyMap<string, Set<string>>, stuck: ReadonlySet<string>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const at = path.indexOf(id);
    if (at >= 0) return [...path.slice(at), id];
    if (done.has(id)) return undefined;
    path.push(id);
    for (const next of [...(successors.get(id) ?? [])].filter((n) => stuck.has(n)).sort()) {
      const found = visit(next);
      if (found !== undefined) return found;
    }
    path.pop();
    done.add(id);
    return undefined;
  };
  for (const id of starts) {
    const found = visit(id);
    if (found !== undefined) return found;
  }
  return undefined;
}
