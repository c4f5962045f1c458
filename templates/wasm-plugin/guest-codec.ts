/**
 * Packet filters for guests granted `codec-filter` (plugin.json "capabilities": ["codec-filter"]).
 * Import it only with that capability: it imports the `codec-filter` interface. The filter sees
 * the play-state packets it selects by id (in the connection's protocol), one call per batch;
 * `readString`/`writeString`/`readVarInt` in guest.ts help with bodies.
 *
 * @example
 * // index.ts
 * import { codecFilter } from './guest-codec.ts';
 * export { codecFilterGuest } from './guest-codec.ts';
 * // in onEnable:
 * codecFilter({ id: 'no-spam', direction: 'serverbound', packetIds: [0x07] }, (p) => (isSpam(p.body) ? 'drop' : 'pass'));
 */
import { register, unregister } from 'infrarust:plugin/codec-filter@0.1.0';
import { verdicts } from './guest.ts';

export interface Packet {
  readonly id: number;
  /** The body after the packet id. */
  readonly body: Uint8Array;
  readonly connectionId: number;
}

/** `'pass'`, `'drop'`, or a new body for the same packet id. Nothing = pass. */
export type Verdict = 'pass' | 'drop' | ArrayLike<number> | void;

export interface FilterSpec {
  id: string;
  direction: 'serverbound' | 'clientbound';
  /** 1–32 play-state packet ids. */
  packetIds: number[];
}

const filters = new Map<bigint, (packet: Packet) => Verdict>();

/** Registers a filter; call in onEnable. Returns an unregister. */
export function codecFilter(spec: FilterSpec, fn: (packet: Packet) => Verdict): () => void {
  const id = register({ id: spec.id, direction: spec.direction, packetIds: Uint32Array.from(spec.packetIds) });
  filters.set(id, fn);
  return () => {
    filters.delete(id);
    unregister(id);
  };
}

/** Export it from index.ts: `export { codecFilterGuest } from './guest-codec.ts';` */
export const codecFilterGuest = {
  filterBatch(filter: bigint, connectionId: number, ids: Uint32Array, data: Uint8Array, ends: Uint32Array) {
    const fn = filters.get(filter);
    const v = verdicts(ids.length);
    if (fn === undefined) return v.done(); // every code 0: pass
    for (let i = 0; i < ids.length; i++) {
      const r = fn({ id: ids[i], body: data.subarray(i === 0 ? 0 : ends[i - 1], ends[i]), connectionId });
      if (r === undefined || r === 'pass') v.pass();
      else if (r === 'drop') v.drop();
      else v.replace(r);
    }
    return v.done();
  },
};
