/**
 * Host side of the `codec-filter` capability (batched `filter-batch`).
 *
 * Decision: a guest's packet filter is NOT a kernel CodecFilter. Codec filters run synchronously
 * on the relay's hot path (DESIGN.md §3) and a guest answers from its worker, which the main
 * thread must never wait for synchronously. A guest filter is instead a set of RawPacket
 * selections (`ctx.events.onPacket`, state "play", its direction and packet ids): packets it did
 * not select cost nothing (the relay's fast path stays), and a selected packet holds only its own
 * direction of its own connection until the guest's verdict arrives (packet-relay.ts: "anything
 * asynchronous holds this direction until it settles"), while the rest of the proxy goes on.
 *
 * Batches: packets selected for one filter and one connection that are pending at the same time
 * go to the guest in one `filter-batch` call (flushed at the end of the current microtask
 * queue). Because the relay holds a direction while a selected packet waits, a batch today holds
 * the one pending packet of that direction; the flat-list interface stays so a relay that hands
 * over read batches needs no WIT change. Cost: one guest call per selected packet (measured as an
 * event call, p50 ~35–55 µs), so select rare packets (chat, commands), not movement.
 *
 * Verdict codes: 0 pass, 1 drop, 2 replace; the k-th replace takes
 * `replaced-data[replaced-ends[k-1] .. replaced-ends[k]]` (k from 0, ends[-1] = 0) as the new body
 * (same packet id). A failing or malformed batch passes its packets (fail open, as a throwing
 * RawPacket listener does) and is logged.
 */
import type { EventMap } from '../../../sdk/events.ts';
import type { PluginContext } from '../../../sdk/plugin.ts';
import type { Registrations } from './registrations.ts';

export interface CapDeps {
  ctx: PluginContext<unknown>;
  regs: () => Registrations;
  /** Calls a guest export (`codecFilterGuest.filterBatch`…) with the per-call deadline. */
  call: (method: string, args: unknown[]) => Promise<unknown>;
}

type RawResult = EventMap['RawPacket']['result'];
const ok = (val?: unknown) => ({ tag: 'ok', val });
const invalid = (message: string) => ({ tag: 'err', val: { tag: 'invalid-argument', val: message } });
/** At most this many packet ids per filter; a packet body of at most this many bytes in a replacement. */
export const MAX_FILTER_IDS = 32;
export const MAX_PACKET_BYTES = 2 * 1024 * 1024;

export function codecFilterImports(deps: CapDeps): Record<string, (...args: never[]) => unknown> {
  return {
    'codec-filter.register': (spec: { id: string; direction: string; packetIds: ArrayLike<number> }) => {
      if (typeof spec?.id !== 'string' || spec.id.length === 0 || spec.id.length > 64) return invalid('filter-spec.id must be 1-64 characters');
      if (spec.direction !== 'serverbound' && spec.direction !== 'clientbound') return invalid('filter-spec.direction must be "serverbound" or "clientbound"');
      const ids = [...new Set(Array.from(spec.packetIds ?? []))];
      if (ids.length === 0 || ids.length > MAX_FILTER_IDS || !ids.every((i) => Number.isInteger(i) && i >= 0 && i <= 0xff)) {
        return invalid(`filter-spec.packet-ids must be 1-${MAX_FILTER_IDS} packet ids (0-255)`);
      }
      const regs = deps.regs();
      const handle = regs.nextId++;
      const batcher = new Batcher(deps, handle, spec.id);
      const undos = ids.map((packetId) =>
        deps.ctx.events.onPacket({ direction: spec.direction as 'serverbound' | 'clientbound', state: 'play', packetId }, (e) => batcher.add(e.player.connectionId, e.packetId, e.data)),
      );
      regs.caps.set(handle, { kind: 'codec-filter', undo: () => undos.forEach((u) => u()) });
      return ok(BigInt(handle));
    },
    'codec-filter.unregister': (handle: bigint) => {
      const regs = deps.regs();
      const cap = regs.caps.get(Number(handle));
      if (cap?.kind !== 'codec-filter') return false;
      regs.caps.delete(Number(handle));
      cap.undo();
      return true;
    },
  };
}

interface Pending {
  ids: number[];
  bodies: Uint8Array[];
  settle: ((r: RawResult | undefined) => void)[];
}

/** Collects one filter's selected packets per connection and sends each group as one batch. */
class Batcher {
  private readonly pending = new Map<number, Pending>();
  private failures = 0;

  constructor(private readonly deps: CapDeps, private readonly handle: number, private readonly name: string) {}

  add(connectionId: number, packetId: number, data: Uint8Array): Promise<RawResult | undefined> {
    let batch = this.pending.get(connectionId);
    if (batch === undefined) {
      const created: Pending = (batch = { ids: [], bodies: [], settle: [] });
      this.pending.set(connectionId, created);
      queueMicrotask(() => {
        this.pending.delete(connectionId);
        void this.flush(connectionId, created);
      });
    }
    batch.ids.push(packetId);
    batch.bodies.push(data.slice()); // the relay's view is reused after this packet
    return new Promise((resolve) => batch.settle.push(resolve));
  }

  private async flush(connectionId: number, batch: Pending): Promise<void> {
    const n = batch.ids.length;
    const ends = new Uint32Array(n);
    let size = 0;
    for (let i = 0; i < n; i++) ends[i] = size += batch.bodies[i].length;
    const data = new Uint8Array(size);
    for (let i = 0; i < n; i++) data.set(batch.bodies[i], ends[i] - batch.bodies[i].length);
    let results: (RawResult | undefined)[];
    try {
      const v = await this.deps.call('codecFilterGuest.filterBatch', [BigInt(this.handle), connectionId, Uint32Array.from(batch.ids), data, ends]);
      results = verdicts(v, n);
    } catch (err) {
      if (this.failures++ % 100 === 0) this.deps.ctx.log.warn({ err, filter: this.name, failures: this.failures }, 'codec filter batch failed; its packets pass unchanged');
      results = [];
    }
    for (let i = 0; i < n; i++) batch.settle[i](results[i]);
  }
}

/** The guest's `verdicts` record as RawPacket results (undefined: pass); throws when malformed. */
function verdicts(v: unknown, n: number): (RawResult | undefined)[] {
  const r = v as { codes?: ArrayLike<number>; replacedData?: ArrayLike<number>; replacedEnds?: ArrayLike<number> } | null;
  const codes = r?.codes;
  if (codes == null || codes.length !== n) throw new Error(`filter-batch returned ${codes?.length ?? 'no'} verdicts for ${n} packets`);
  const data = r!.replacedData ?? new Uint8Array(0);
  const ends = r!.replacedEnds ?? new Uint32Array(0);
  const out: (RawResult | undefined)[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    const code = codes[i];
    if (code === 0) out.push(undefined);
    else if (code === 1) out.push({ type: 'drop' });
    else if (code === 2) {
      const start = k === 0 ? 0 : ends[k - 1];
      const end = ends[k++];
      if (end === undefined || !(start <= end && end <= data.length) || end - start > MAX_PACKET_BYTES) throw new Error(`replacement ${k - 1} is out of range`);
      out.push({ type: 'modify', value: data instanceof Uint8Array ? data.slice(start, end) : Uint8Array.from(Array.from(data).slice(start, end)) });
    } else throw new Error(`unknown verdict code ${String(code)}`);
  }
  return out;
}
