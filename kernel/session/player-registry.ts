/**
 * The players the proxy knows, by connection id: intercepted sessions add theirs once the client
 * reached configuration/play, passthrough relays theirs when the relay starts; each is removed
 * when its connection closes. A Map and nothing else: lookups by name scan, which is cheap at
 * proxy scale and keeps adding and removing O(1) on the connection path.
 */
import type { Player } from '../../sdk/player.ts';

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export class PlayerRegistry {
  private readonly byConnection = new Map<number, Player>();

  /** Registers `player` (replacing an earlier one of the same connection). */
  add(player: Player): void {
    this.byConnection.set(player.connectionId, player);
  }

  /** Forgets the player of `connectionId`, but only `player` when given (a newer one stays). */
  remove(connectionId: number, player?: Player): void {
    if (player !== undefined && this.byConnection.get(connectionId) !== player) return;
    this.byConnection.delete(connectionId);
  }

  get(connectionId: number): Player | undefined {
    return this.byConnection.get(connectionId);
  }

  /**
   * A player by name (case-insensitive) or UUID (dashed or not); by connection id for a number.
   * @example registry.find('steve') ?? registry.find('069a79f4-44e9-4726-a5be-fca90e38aaf5')
   */
  find(query: string | number): Player | undefined {
    if (typeof query === 'number') return this.get(query);
    const lower = query.toLowerCase();
    const byUuid = UUID.test(query) ? lower.replace(/-/g, '') : undefined;
    for (const p of this.byConnection.values()) {
      if (p.username.toLowerCase() === lower) return p;
      if (byUuid !== undefined && p.uuid?.replace(/-/g, '').toLowerCase() === byUuid) return p;
    }
    return undefined;
  }

  all(): Player[] {
    return [...this.byConnection.values()];
  }

  get size(): number {
    return this.byConnection.size;
  }
}
