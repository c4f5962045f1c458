/**
 * The BanService implementation: changes the store, kicks matching connected players, and
 * persists. Narrow dependencies (the store, a save function, the two proxy calls) keep it
 * testable without a proxy.
 */
import type { ConnectionSummary } from 'infrarust/sdk';
import type { BanEntry, BanOptions, BanQuery, BanService, BanTarget } from './api.ts';
import type { BanStore } from './store.ts';
import { BanStore as Store } from './store.ts';
import { banMessage } from './message.ts';

export interface ServiceDeps {
  store: BanStore;
  save(): Promise<void>;
  connections(): ConnectionSummary[];
  disconnect(connectionId: number, reason: string): boolean;
  /**
   * Connections already being closed with a kick (denied at PreLogin, or kicked before): asking
   * the kernel to end them a second time would write to an ended socket.
   */
  ending: Set<number>;
  /** Adds to `ending`, keeping it bounded. */
  markEnding(connectionId: number): void;
  /** Called after every change to the list (the plugin adds or removes its accept filter). */
  changed(): void;
  /** Tells other plugins (the BanChange event): `by` is who made the change. */
  announce(action: 'ban' | 'unban', entry: BanEntry, by: string): void;
}

export function createBanService(deps: ServiceDeps): BanService {
  const { store } = deps;
  return {
    async ban(target: BanTarget, options?: BanOptions): Promise<BanEntry> {
      const entry = store.add(target, options);
      deps.changed();
      deps.announce('ban', entry, entry.source);
      kickMatching(deps, entry);
      await deps.save();
      return entry;
    },
    async unban(target: BanTarget, source?: string): Promise<BanEntry | undefined> {
      const entry = store.remove(target, source);
      deps.changed();
      if (entry !== undefined) deps.announce('unban', entry, source ?? 'plugin');
      await deps.save();
      return entry;
    },
    get: (target) => store.get(target),
    list: () => store.list(),
    check: (query: BanQuery) => store.check(query),
    isBanned: (query: BanQuery) => store.check(query) !== undefined,
  };
}

/** Disconnects every live connection the new ban applies to; returns how many. */
export function kickMatching(deps: Omit<ServiceDeps, 'save'>, entry: BanEntry): number {
  const only = new Store({ bans: [entry], audit_log: [] }, { auditLog: false });
  const message = banMessage(entry, deps.store.remainingMs(entry));
  const live = deps.connections();
  const liveIds = new Set(live.map((c) => c.connectionId));
  for (const id of deps.ending) if (!liveIds.has(id)) deps.ending.delete(id);
  let kicked = 0;
  for (const c of live) {
    if (c.phase === 'closed' || deps.ending.has(c.connectionId)) continue;
    if (only.check({ ip: c.remoteAddress, username: c.username, uuid: c.uuid }) === undefined) continue;
    deps.markEnding(c.connectionId);
    if (deps.disconnect(c.connectionId, message)) kicked++;
  }
  return kicked;
}
