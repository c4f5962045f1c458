/**
 * Scoreboard objectives and teams a backend created and has not removed. A switch before 1.20.2
 * removes each one before the new Join Game (its scores and display slot go with an objective,
 * its members with a team), while the client still holds them. Layouts (`scoreboard_objective`;
 * `scoreboard_team` up to 1.8, then `teams`):
 *   objective 1.7    name, display text, mode (0 create, 1 remove, 2 update)
 *   objective 1.8+   name, mode, then fields for modes 0 and 2
 *   team      all    name, mode (0 create, 1 remove, 2 update, 3/4 members), then fields
 * A vanilla client keeps its scoreboard with its world: a backend's own Join Game gives it a new
 * one, so what was tracked is forgotten then (removing an objective or team the client does not
 * know crashes a 1.8 client).
 */
import { packetId } from '../../protocol/ids/index.ts';
import { PacketWriter } from '../../protocol/packet-writer.ts';
import { PV } from '../../protocol/packets/protocol-versions.ts';
import { bodyReader, type LeftoverTracker } from './tracker.ts';

/** A backend creating more than these is not tracked further (the rest may outlive a switch). */
export const MAX_OBJECTIVES = 256;
export const MAX_TEAMS = 1024;
/** Longer names are not tracked (vanilla allows 16 characters before 1.18). */
const NAME_MAX = 256;
const CREATE = 0;
const REMOVE = 1;

export class Scoreboard implements LeftoverTracker {
  readonly #objectives = new Set<string>();
  readonly #teams = new Set<string>();
  readonly #objectiveId: number;
  readonly #teamId: number;
  readonly ids: readonly number[];

  constructor(readonly protocol: number) {
    const id = (name: string): number => packetId(protocol, 'play', 'clientbound', name);
    this.#objectiveId = id('scoreboard_objective');
    const teams = id('teams');
    this.#teamId = teams >= 0 ? teams : id('scoreboard_team');
    this.ids = [this.#objectiveId, this.#teamId].filter((i) => i >= 0);
  }

  see(id: number, packet: Buffer): void {
    const r = bodyReader(packet);
    const name = r.string(NAME_MAX);
    if (id === this.#objectiveId && this.protocol < PV.V1_8) r.string(NAME_MAX); // display text
    const mode = r.u8();
    const [set, max] = id === this.#objectiveId ? [this.#objectives, MAX_OBJECTIVES] : [this.#teams, MAX_TEAMS];
    if (mode === CREATE && set.size < max) set.add(name);
    else if (mode === REMOVE) set.delete(name);
  }

  joinGame(): void {
    this.#objectives.clear();
    this.#teams.clear();
  }

  clear(): Buffer[] {
    const out: Buffer[] = [];
    for (const name of this.#objectives) {
      const w = new PacketWriter(24).varInt(this.#objectiveId).string(name);
      if (this.protocol < PV.V1_8) w.string('');
      out.push(w.u8(REMOVE).toBuffer());
    }
    for (const name of this.#teams) out.push(new PacketWriter(24).varInt(this.#teamId).string(name).u8(REMOVE).toBuffer());
    this.joinGame();
    return out;
  }
}
