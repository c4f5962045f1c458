/**
 * One direction of an intercepted session after login (configuration and play), packet by
 * packet. A frame nobody wants — no codec filter on this side, no RawPacket listener for its id,
 * no kernel hook, not a state change — is passed on as the bytes that arrived when both sides
 * compress alike, or re-framed when they differ; its packet is never decoded. Wanted packets go
 * through, in order: the side's codec filter chain (layer 2), RawPacket listeners, the kernel's
 * packet hooks. Anything asynchronous holds this direction (and only it) until it settles.
 */
import type { PlayerRef } from '../../sdk/events.ts';
import type { FramedPacket } from '../../sdk/filters.ts';
import type { EventBus } from '../layers/event-bus.ts';
import type { CodecChain } from '../layers/codec-chain.ts';
import type { PacketConn } from '../net/packet-conn.ts';
import { packetOf } from '../protocol/packets/protocol-versions.ts';
import { readVarInt } from '../protocol/varint.ts';
import type { HookDirection, HookResult, PacketHook } from './packet-hooks.ts';
import type { PlayerChannel } from './player-channel.ts';

export type RelayState = 'configuration' | 'play';

export interface RelayOptions {
  readonly source: PacketConn;
  readonly target: PacketConn;
  readonly direction: HookDirection;
  readonly protocol: number;
  readonly state: RelayState;
  readonly hooks: readonly PacketHook[];
  readonly chain: CodecChain | null;
  readonly events: EventBus;
  readonly channel: PlayerChannel;
  readonly player: () => PlayerRef;
  /** The state after this packet id was relayed in `state`, or undefined when it stays. */
  readonly transition: (state: RelayState, id: number) => RelayState | undefined;
  readonly onState: (state: RelayState) => void;
  /** Ids that cause a transition, per state (so they are looked at). */
  readonly transitionIds: (state: RelayState) => readonly number[];
}

/** A packet after the codec chain: `raw` is set while it is still exactly the frame that arrived. */
interface Out {
  id: number;
  /** The decoded packet (id + body); null on the fast path, where it is never decoded. */
  packet: Buffer | null;
  body: Buffer | null;
  raw: Buffer | null;
}

export class PacketRelay {
  state: RelayState;
  #wanted = new Set<number>();
  #hookIds = new Map<number, PacketHook[]>();

  constructor(private readonly o: RelayOptions) {
    this.state = o.state;
    this.#index();
  }

  start(): void {
    const { source, target } = this.o;
    source.afterBatch = () => {
      if (!target.flush()) source.holdFor(target);
    };
    source.consume((body, raw) => this.#frame(body, raw));
  }

  #index(): void {
    const { protocol, direction, hooks } = this.o;
    this.#wanted = new Set(this.o.transitionIds(this.state).filter((id) => id >= 0));
    this.#hookIds = new Map();
    for (const hook of hooks) {
      for (const id of hook.ids(protocol, this.state, direction)) {
        this.#wanted.add(id);
        const list = this.#hookIds.get(id);
        if (list === undefined) this.#hookIds.set(id, [hook]);
        else list.push(hook);
      }
    }
  }

  #frame(body: Buffer, raw: Buffer): void | Promise<void> {
    const { source, chain, events, direction } = this.o;
    const id = source.packetId(body);
    if (chain === null && !this.#wanted.has(id) && !events.hasPacketListeners(direction, this.state, id)) {
      this.#forward({ id, packet: null, body, raw });
      return;
    }
    const packet = source.decode(body);
    if (chain === null || chain.size === 0) return this.#emit([{ id, packet, body, raw }], 0);
    return this.#emit(this.#filter(id, packet, body, raw), 0);
  }

  /** Layer 2: the side's codec filters; unchanged packets keep their original frame. */
  #filter(id: number, packet: Buffer, body: Buffer, raw: Buffer): Out[] {
    const input: FramedPacket = { id, data: packet.subarray(idSize(packet)) };
    const outputs = this.o.chain!.process(input);
    if (outputs.length === 1 && outputs[0] === input) return [{ id, packet, body, raw }];
    return outputs.map((p) => ({ id: p.id, packet: packetOf(p.id, p.data), body: null, raw: null }));
  }

  #emit(outs: Out[], from: number): void | Promise<void> {
    for (let i = from; i < outs.length; i++) {
      const out = outs[i];
      const decided = this.#decide(out, 0);
      if (decided instanceof Promise) {
        return decided.then((result) => {
          this.#settle(out, result);
          return this.#emit(outs, i + 1);
        });
      }
      this.#settle(out, decided);
    }
  }

  /** RawPacket listeners (step 0), then each hook that asked for this id. */
  #decide(out: Out, step: number): HookResult | Promise<HookResult> {
    const hooks = this.#hookIds.get(out.id);
    const last = hooks === undefined ? 0 : hooks.length;
    for (let s = step; s <= last; s++) {
      const result = s === 0 ? this.#rawPacket(out) : hooks![s - 1].handle(this.o.channel, this.state, this.o.direction, out.packet!);
      if (result instanceof Promise) return result.then((r) => this.#next(out, r, s + 1));
      if (result !== undefined) return this.#continueWith(out, result, s + 1);
    }
    return undefined;
  }

  #next(out: Out, result: HookResult, step: number): HookResult | Promise<HookResult> {
    if (result === undefined) return this.#decide(out, step);
    return this.#continueWith(out, result, step);
  }

  /** A replacement goes on through the remaining steps; a drop or several packets end them. */
  #continueWith(out: Out, result: Exclude<HookResult, undefined>, step: number): HookResult | Promise<HookResult> {
    if (result === null || !Buffer.isBuffer(result)) return result;
    out.packet = result;
    out.id = readVarInt(result, 0)?.value ?? -1;
    out.body = null;
    out.raw = null;
    const rest = this.#decide(out, step);
    if (rest instanceof Promise) return rest.then((r) => (r === undefined ? result : r));
    return rest === undefined ? result : rest;
  }

  #rawPacket(out: Out): HookResult | Promise<HookResult> {
    const { events, direction } = this.o;
    if (!events.hasPacketListeners(direction, this.state, out.id)) return undefined;
    const fired = events.dispatch('RawPacket', {
      player: this.o.player(),
      direction,
      state: this.state,
      packetId: out.id,
      data: out.packet!.subarray(idSize(out.packet!)),
    });
    const verdict = (e: { result?: { type: string; value?: unknown } }): HookResult => {
      const r = e.result;
      if (r?.type === 'drop') return null;
      if (r?.type === 'modify' && r.value instanceof Uint8Array) return packetOf(out.id, r.value);
      return undefined;
    };
    return fired instanceof Promise ? fired.then(verdict) : verdict(fired);
  }

  #settle(out: Out, result: HookResult): void {
    if (result === null) return;
    if (result === undefined) return this.#forward(out);
    if (Buffer.isBuffer(result)) return this.#forward({ id: readVarInt(result, 0)?.value ?? -1, packet: result, body: null, raw: null });
    for (const packet of result) this.#forward({ id: readVarInt(packet, 0)?.value ?? -1, packet, body: null, raw: null });
  }

  #forward(out: Out): void {
    const { source, target } = this.o;
    if (out.raw !== null && source.threshold === target.threshold) target.queueRaw(out.raw);
    else target.queue(out.packet ?? source.decode(out.body!));
    const next = this.o.transition(this.state, out.id);
    if (next !== undefined && next !== this.state) {
      this.state = next;
      this.#index();
      this.o.chain?.setState(next);
      this.o.onState(next);
    }
  }
}

function idSize(packet: Buffer): number {
  return readVarInt(packet, 0)?.size ?? 1;
}
