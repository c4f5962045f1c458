/**
 * What a backend shows the client outside its world, tracked so that a server switch before
 * 1.20.2 can take it away before the new Join Game (leftovers/): the boss bars (1.9+), the tab
 * list entries and header/footer, the scoreboard objectives and teams the backend added and has not
 * removed, as Velocity tracks boss bars and clears its tab list. The hook only reads clientbound
 * play packets and passes every one on unchanged; one it cannot decode is not tracked.
 *
 * 1.20.2+ needs none of it: Start Configuration makes the client drop its world, its HUD (boss
 * bars, tab list header) and its play listener with the player list and scoreboard (vanilla's
 * handleConfigurationStart → clearClientLevel → Gui.onDisconnected; Velocity's switch clears its
 * own tracking silently there for the same reason). Only the title stays on the clients whose
 * Gui.onDisconnected does not clear titles yet (newer releases do): `clearBeforeReconfiguration`.
 */
import { dataProtocol, kernelIds } from '../protocol/ids/index.ts';
import { PV } from '../protocol/packets/protocol-versions.ts';
import { readVarInt } from '../protocol/varint.ts';
import { BossBars } from './leftovers/boss-bars.ts';
import { Scoreboard } from './leftovers/scoreboard.ts';
import { TabList } from './leftovers/tab-list.ts';
import type { LeftoverTracker } from './leftovers/tracker.ts';
import { titleReset } from './client-respawn.ts';
import type { PacketHook } from './packet-hooks.ts';

export class ClientLeftovers {
  readonly #trackers: readonly LeftoverTracker[];
  readonly hook: PacketHook;

  constructor(readonly protocol: number) {
    this.#trackers = [new BossBars(protocol), new TabList(protocol), new Scoreboard(protocol)];
    const byId = new Map<number, LeftoverTracker>();
    for (const tracker of this.#trackers) for (const id of tracker.ids) byId.set(id, tracker);
    const joinGame = kernelIds(protocol).play.cb.login;
    const trackers = this.#trackers;
    const ids = [...byId.keys(), ...(joinGame >= 0 ? [joinGame] : [])];
    this.hook = {
      name: 'switch-leftovers',
      ids: (_p, state, direction) => (state === 'play' && direction === 'clientbound' ? ids : []),
      handle(_channel, _state, _direction, packet) {
        const id = readVarInt(packet, 0)?.value ?? -1;
        if (id === joinGame) for (const tracker of trackers) tracker.joinGame();
        else trackQuietly(byId.get(id), id, packet);
        return undefined;
      },
    };
  }

  /** True where a switch needs it: every version with packet data before 1.20.2. */
  static needed(protocol: number): boolean {
    return protocol < PV.V1_20_2 && dataProtocol(protocol) !== undefined;
  }

  /** The packets that clear what the old backend left; forgets it. */
  clear(): Buffer[] {
    return this.#trackers.flatMap((tracker) => tracker.clear());
  }
}

/** A packet the tracker cannot decode stays untracked; the stream is never broken for it. */
function trackQuietly(tracker: LeftoverTracker | undefined, id: number, packet: Buffer): void {
  try {
    tracker?.see(id, packet);
  } catch {
    // not understood: passed on as it came, not tracked
  }
}

/**
 * What a 1.20.2+ switch sends while the client is still in play, before Start Configuration: the
 * title reset (the client keeps its title over configuration; Velocity resets it after each Join
 * Game). Empty before 1.20.2, where client-respawn.ts resets it.
 * @example for (const p of clearBeforeReconfiguration(protocol)) client.queue(p); // then Start Configuration
 */
export function clearBeforeReconfiguration(protocol: number): Buffer[] {
  if (protocol < PV.V1_20_2) return [];
  const reset = titleReset(protocol);
  return reset === undefined ? [] : [reset];
}
