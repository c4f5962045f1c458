/**
 * Copy-on-write listener lists, sorted by (priority, registration order). A fire iterates the
 * array it started with, so registering or removing during a fire never skips or repeats a
 * listener; removal also flags the record so a removed listener is not called later in that fire.
 */

/** One registration. `removed` is read by an in-flight fire. */
export interface Registration {
  readonly owner: string;
  readonly priority: number;
  readonly seq: number;
  readonly listener: (event: never) => unknown;
  removed: boolean;
}

export type ListenerList = readonly Registration[];

/** A new list with `reg` after every entry of lower or equal priority (equal: registration order). */
export function withListener(list: ListenerList | undefined, reg: Registration): ListenerList {
  if (list === undefined) return [reg];
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].priority <= reg.priority) lo = mid + 1;
    else hi = mid;
  }
  return [...list.slice(0, lo), reg, ...list.slice(lo)];
}

/** A new list without `reg` (or the same list when it is not there). */
export function withoutListener(list: ListenerList, reg: Registration): ListenerList {
  const index = list.indexOf(reg);
  if (index < 0) return list;
  return [...list.slice(0, index), ...list.slice(index + 1)];
}

/** Two sorted lists merged into one, keeping the (priority, seq) order. */
export function mergeLists(a: ListenerList, b: ListenerList): ListenerList {
  const out: Registration[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const first = a[i].priority < b[j].priority || (a[i].priority === b[j].priority && a[i].seq < b[j].seq);
    out.push(first ? a[i++] : b[j++]);
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out;
}
