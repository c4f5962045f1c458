/**
 * What a backend shows the client outside its world, tracked so that a server switch before
 * 1.20.2 can take it away (a 1.20.2+ client drops it when it re-enters configuration): the boss
 * bars (1.9+) the backend added and has not removed, as Velocity tracks them. The hook only looks
 * at clientbound `boss_bar` packets in play and passes them on unchanged.
 */
import { kernelIds } from '../protocol/ids/index.ts';
import { BOSS_BAR_SINCE, encodeBossBar } from '../protocol/packets/play-boss-bar.ts';
import { PacketReader } from '../protocol/packet-reader.ts';
import { PV } from '../protocol/packets/protocol-versions.ts';
import type { PacketHook } from './packet-hooks.ts';

const ADD = 0;
const REMOVE = 1;
/** A backend adding more bars than this is not tracked further (the rest may outlive a switch). */
const MAX_BARS = 256;

export class ClientLeftovers {
  readonly #bars = new Set<string>();
  readonly hook: PacketHook;

  constructor(readonly protocol: number) {
    const id = kernelIds(protocol).play.cb.bossBar;
    const bars = this.#bars;
    this.hook = {
      name: 'switch-leftovers',
      ids: (_p, state, direction) => (state === 'play' && direction === 'clientbound' && id >= 0 ? [id] : []),
      handle(_channel, _state, _direction, packet) {
        const r = new PacketReader(packet);
        r.varInt();
        const uuid = r.uuid();
        const action = r.varInt();
        if (action === ADD && bars.size < MAX_BARS) bars.add(uuid);
        else if (action === REMOVE) bars.delete(uuid);
        return undefined;
      },
    };
  }

  /** True where a switch needs it (1.9 to 1.20.1). */
  static needed(protocol: number): boolean {
    return protocol >= BOSS_BAR_SINCE && protocol < PV.V1_20_2;
  }

  /** The packets that clear what the old backend left; forgets it. */
  clear(): Buffer[] {
    const out: Buffer[] = [];
    for (const uuid of this.#bars) {
      const packet = encodeBossBar(this.protocol, uuid, { action: 'remove' });
      if (packet !== undefined) out.push(packet);
    }
    this.#bars.clear();
    return out;
  }
}
