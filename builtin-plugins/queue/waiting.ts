/**
 * The waiting lines, one per server, FIFO. Pure bookkeeping (no timers, no I/O): the plugin
 * drives it with the clock and the player counts.
 *
 * A queued player who leaves becomes a **ghost** that keeps their place until `graceMs` has
 * passed; rejoining the same server's queue in time (same player key: UUID, else name) takes the
 * ghost's place back. Ghosts are never let in and take no slot: a slot that frees while the head
 * is a ghost goes to the first waiting player behind it, and the ghost stays at the head.
 * Admitted players hold a **reservation** until they show up on the server (or leave), so a burst
 * of free slots is not handed out twice.
 */
export interface Waiter<S> {
  readonly key: string;
  readonly connectionId: number;
  /** The held session, or undefined for a ghost. */
  session: S | undefined;
  /** Ghosts: when the place is given up. */
  expiresAt: number;
}

export class WaitingLines<S> {
  private readonly lines = new Map<string, Waiter<S>[]>();
  /** connectionId → server id and since when: admitted, not yet counted on the server. */
  private readonly reserved = new Map<number, { serverId: string; at: number }>();

  constructor(private readonly graceMs: number, private readonly reservationMs = 30_000) {}

  /**
   * Queues a player at the end, or back into their ghost's place. Returns the position (1-based),
   * or undefined when the line already holds `maxWaiting` players.
   */
  enqueue(serverId: string, key: string, connectionId: number, session: S, maxWaiting: number, now: number): number | undefined {
    this.expire(now);
    const line = this.lines.get(serverId) ?? [];
    const ghost = line.find((w) => w.key === key && w.session === undefined);
    if (ghost !== undefined) {
      const i = line.indexOf(ghost);
      line[i] = { key, connectionId, session, expiresAt: Infinity };
      return i + 1;
    }
    if (line.length >= maxWaiting) return undefined;
    line.push({ key, connectionId, session, expiresAt: Infinity });
    this.lines.set(serverId, line);
    return line.length;
  }

  /** A queued player left: their place is kept until `now + graceMs`. */
  leave(connectionId: number, now: number): void {
    for (const line of this.lines.values()) {
      const w = line.find((x) => x.connectionId === connectionId && x.session !== undefined);
      if (w !== undefined) {
        w.session = undefined;
        w.expiresAt = now + this.graceMs;
      }
    }
  }

  /** Removes a waiter (admitted elsewhere, redirected, reloaded away). */
  remove(connectionId: number): void {
    for (const [id, line] of this.lines) {
      const i = line.findIndex((x) => x.connectionId === connectionId && x.session !== undefined);
      if (i >= 0) line.splice(i, 1);
      if (line.length === 0) this.lines.delete(id);
    }
  }

  /**
   * Takes up to `free` live waiters from the head of `serverId`'s line (skipping ghosts) and
   * reserves a slot for each.
   */
  admit(serverId: string, free: number, now: number): Waiter<S>[] {
    this.expire(now);
    const line = this.lines.get(serverId);
    if (line === undefined || free <= 0) return [];
    const out: Waiter<S>[] = [];
    for (let i = 0; i < line.length && out.length < free; ) {
      if (line[i]!.session === undefined) {
        i++;
        continue;
      }
      const [w] = line.splice(i, 1);
      out.push(w!);
      this.reserve(w!.connectionId, serverId, now);
    }
    if (line.length === 0) this.lines.delete(serverId);
    return out;
  }

  reserve(connectionId: number, serverId: string, now: number): void {
    this.reserved.set(connectionId, { serverId, at: now });
  }

  /** Forgets a reservation (the player arrived, or left). */
  release(connectionId: number): void {
    this.reserved.delete(connectionId);
  }

  /** Reservations for `serverId` of players not yet among `present` (connection ids on it). */
  reservedFor(serverId: string, present: ReadonlySet<number>, now: number): number {
    let n = 0;
    for (const [id, r] of this.reserved) {
      if (now - r.at > this.reservationMs || present.has(id)) this.reserved.delete(id);
      else if (r.serverId === serverId) n++;
    }
    return n;
  }

  /** Position (1-based, ghosts ahead counted) and line length of a live waiter. */
  positionOf(connectionId: number): { serverId: string; position: number; waiting: number } | undefined {
    for (const [serverId, line] of this.lines) {
      const i = line.findIndex((x) => x.connectionId === connectionId && x.session !== undefined);
      if (i >= 0) return { serverId, position: i + 1, waiting: line.length };
    }
    return undefined;
  }

  /** Every live waiter with its server, in line order. */
  *live(): Generator<{ serverId: string; waiter: Waiter<S>; position: number; waiting: number }> {
    for (const [serverId, line] of this.lines) {
      for (let i = 0; i < line.length; i++) if (line[i]!.session !== undefined) yield { serverId, waiter: line[i]!, position: i + 1, waiting: line.length };
    }
  }

  servers(): string[] {
    return [...this.lines.keys()];
  }

  /** Drops ghosts whose grace ran out. */
  expire(now: number): void {
    for (const [id, line] of this.lines) {
      for (let i = line.length - 1; i >= 0; i--) if (line[i]!.expiresAt <= now) line.splice(i, 1);
      if (line.length === 0) this.lines.delete(id);
    }
  }
}
