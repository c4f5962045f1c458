/**
 * Players held in the limbo world now, by handler name, for `ProxyApi.stats()`: the handler
 * chain counts a hold when it starts and uncounts it when it ends (a Map update per hold, never
 * per packet). Process-wide.
 */
const held = new Map<string, number>();
let total = 0;

/** A hold by `handler` started; call the returned function once when it ends. */
export function countHold(handler: string): () => void {
  held.set(handler, (held.get(handler) ?? 0) + 1);
  total++;
  let done = false;
  return function holdEnded() {
    if (done) return;
    done = true;
    total--;
    const n = (held.get(handler) ?? 1) - 1;
    if (n === 0) held.delete(handler);
    else held.set(handler, n);
  };
}

export function limboHolds(): { held: number; byHandler: Record<string, number> } {
  return { held: total, byHandler: Object.fromEntries(held) };
}
