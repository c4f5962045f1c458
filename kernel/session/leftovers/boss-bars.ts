/**
 * Boss bars (1.9+) a backend added and has not removed. The client keeps them in its HUD over a
 * Join Game, so a switch before 1.20.2 removes them (as Velocity does); a 1.20.2+ client drops
 * them itself when it re-enters configuration.
 */
import { kernelIds } from '../../protocol/ids/index.ts';
import { encodeBossBar } from '../../protocol/packets/play-boss-bar.ts';
import { bodyReader, type LeftoverTracker } from './tracker.ts';

const ADD = 0;
const REMOVE = 1;
/** A backend adding more bars than this is not tracked further (the rest may outlive a switch). */
export const MAX_BOSS_BARS = 256;

export class BossBars implements LeftoverTracker {
  readonly #bars = new Set<string>();
  readonly ids: readonly number[];

  constructor(readonly protocol: number) {
    const id = kernelIds(protocol).play.cb.bossBar;
    this.ids = id >= 0 ? [id] : [];
  }

  see(_id: number, packet: Buffer): void {
    const r = bodyReader(packet);
    const uuid = r.uuid();
    const action = r.varInt();
    if (action === ADD && this.#bars.size < MAX_BOSS_BARS) this.#bars.add(uuid);
    else if (action === REMOVE) this.#bars.delete(uuid);
  }

  /** The HUD outlives the world: nothing to forget. */
  joinGame(): void {}

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
