/**
 * The ban plugin: loads bans.json, rejects banned addresses at accept (silently, before a byte is
 * read; the accept filter exists only while there are address bans), denies banned names, UUIDs
 * and addresses at PreLogin with the reason, purges expired bans on a
 * timer, announces every change as the BanChange event, and offers the `ban` service and
 * console commands. Critical: a ban file that cannot be
 * read makes setup throw, so the proxy refuses to start instead of running without bans.
 */
import { definePlugin, EventPriority, continueVerdict, deny, rejectVerdict } from 'infrarust/sdk';
import type { BanRecord, FileWriter, PluginContext } from 'infrarust/sdk';
import { BAN_SERVICE } from './api.ts';
import { banCommands } from './commands.ts';
import { banMessage } from './message.ts';
import { BanSchema, resolveSettings, type BanSection } from './options.ts';
import { createBanService } from './service.ts';
import { BanStore } from './store.ts';
import { readBanFile, renderBanFile } from './storage.ts';

/** How many denied or kicked connection ids the plugin remembers (see `ending` in wire). */
const ENDING_CAP = 4096;

/** Writers of live plugin instances, flushed by teardown. */
const writers = new Set<FileWriter>();

export default definePlugin({
  sections: { ban: BanSchema },
  async setup(ctx) {
    // Validated with the whole file before startup; absent only outside a proxy (tests).
    const settings = resolveSettings(ctx.sections.ban as BanSection | undefined, ctx.configDir, () => ctx.dataDir);
    if (settings.defaulted) ctx.log.info({ file: settings.file }, 'no [ban] section (not running inside a proxy): using the v2 defaults');
    if (settings.provider !== 'builtin') {
      ctx.log.info({ provider: settings.provider }, 'bans are provided elsewhere ([ban] provider); the builtin ban list is off');
      return;
    }
    await ctx.files.removeStaleTemps(settings.file);
    const data = await readBanFile(settings.file);
    const store = new BanStore(data, { auditLog: settings.auditLog });
    ctx.log.info({ file: settings.file, bans: store.size, existed: data !== undefined }, 'ban list loaded');
    const writer = ctx.files.writer(settings.file, () => renderBanFile(store.snapshot()), {
      mode: 0o644,
      onError: (err) => ctx.log.error({ err }, 'could not write the ban file; the change holds in memory until restart'),
    });
    writers.add(writer);
    ctx.signal.addEventListener('abort', () => void writer.flush().then(() => writers.delete(writer)), { once: true });
    wire(ctx, store, writer, settings.purgeIntervalMs);
  },
  async teardown() {
    await Promise.all([...writers].map((w) => w.flush()));
  },
});

function wire(ctx: PluginContext, store: BanStore, writer: FileWriter, purgeIntervalMs: number): void {
  // Rejects when the write failed (logged by the writer's onError), so ban/unban report it.
  const save = (): Promise<void> => writer.save();
  // Connections this plugin already denied or kicked; see ServiceDeps.ending. Ids are never
  // reused and a denied login closes within seconds, so keeping the newest few thousand is enough.
  const ending = new Set<number>();
  const markEnding = (id: number): void => {
    ending.add(id);
    if (ending.size > ENDING_CAP) ending.delete(ending.values().next().value!);
  };
  // The accept-time filter exists only while address or range bans do: without any, accepts
  // stay free of this plugin (no transport filter at all when nothing else registers one).
  let removeAcceptFilter: (() => void) | undefined;
  const syncAcceptFilter = (): void => {
    if (store.addressBanCount > 0 && removeAcceptFilter === undefined) removeAcceptFilter = registerAcceptFilter(ctx, store);
    else if (store.addressBanCount === 0 && removeAcceptFilter !== undefined) {
      removeAcceptFilter();
      removeAcceptFilter = undefined;
    }
  };
  syncAcceptFilter();
  // Every change, whatever its source, is announced as BanChange (the admin API's ban.* events).
  const announce = (action: 'ban' | 'unban' | 'expired', entry: BanRecord, by: string): void => void ctx.events.emit('BanChange', { action, ban: entry, by });
  const service = createBanService({ store, save, ending, markEnding, changed: syncAcceptFilter, announce, connections: () => ctx.proxy.connections(), disconnect: (id, reason) => ctx.proxy.disconnect(id, reason) });
  ctx.services.provide(BAN_SERVICE, service);
  for (const command of banCommands(service)) ctx.commands.register(command);

  ctx.events.on('PreLogin', function banPreLogin(e) {
    try {
      const entry = store.check({ ip: e.player.remoteAddress, username: e.player.username, uuid: e.player.uuid });
      if (entry === undefined) return undefined;
      markEnding(e.player.connectionId);
      return deny(banMessage(entry, store.remainingMs(entry)));
    } catch (err) {
      ctx.log.error({ err }, 'ban lookup failed; refusing the login');
      markEnding(e.player.connectionId);
      return deny('§cThe ban check failed. Try again later.');
    }
  }, { priority: EventPriority.LAST });

  ctx.scheduler.interval(purgeIntervalMs, async function purgeExpiredBans() {
    const expired = store.purge();
    if (expired.length === 0) return;
    syncAcceptFilter();
    for (const entry of expired) announce('expired', entry, 'system');
    ctx.log.info({ count: expired.length }, 'expired bans purged');
    await save();
  });
}

/** Refuses banned addresses and ranges at accept, before a byte is read (silently). */
function registerAcceptFilter(ctx: PluginContext, store: BanStore): () => void {
  return ctx.transport.register({
    id: 'ban:address',
    priority: 8,
    onAccept: function banAddressOnAccept(c) {
      try {
        return store.checkAddress(c.remoteAddress) === undefined ? continueVerdict() : rejectVerdict('banned');
      } catch (err) {
        ctx.log.error({ err }, 'ban lookup failed; refusing the connection');
        return rejectVerdict('ban-check-failed');
      }
    },
  });
}
