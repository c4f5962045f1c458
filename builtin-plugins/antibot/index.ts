/**
 * The antibot plugin: a join-flood check run in the limbo, as the handler `antibot` (a server
 * opts in with `limbo_handlers = ["antibot"]`, on an intercepted proxy_mode).
 *
 * Every login counts towards the rate, whatever its server or mode: the plugin listens to
 * PreLogin (fired for every login that passed the handshake gates) and only observes it, never
 * answering. The handler itself runs only for the servers that list it, so counting there would
 * miss floods aimed at other servers. Attack mode and its summary (passed/failed counts) are
 * logged when they change; the `antibot` service exposes the counters. Verified players are
 * kept in `storage.path` (optional) so a restart or reload does not forget them.
 */
import { isAbsolute, resolve } from 'node:path';
import { definePlugin, EventPriority, type PluginContext } from '../../sdk/index.ts';
import { ANTIBOT_SERVICE, type AntibotService } from './api.ts';
import { AttackDetector, type AttackChange } from './attack.ts';
import { newCode } from './captcha.ts';
import { antibotCommand } from './commands.ts';
import { Counters, type Counts } from './counters.ts';
import { createAntibotHandler } from './handler.ts';
import { AntibotSchema, type AntibotSettings } from './options.ts';
import { encodeVerified, readVerified, SAVE_DELAY_MS, VERIFIED_FILE_MODE } from './storage.ts';
import { VerifiedPlayers } from './verified.ts';

/** How often attack mode is re-evaluated without joins (so an attack can end) and memory pruned. */
const TICK_MS = 1_000;
/** Final saves of unloading instances, awaited by teardown. */
const flushing = new Set<Promise<void>>();

export default definePlugin({
  configSchema: AntibotSchema,
  async setup(ctx) {
    const settings = ctx.config as AntibotSettings;
    const counters = new Counters();
    const detector = new AttackDetector({ threshold: settings.joins_per_second, windowMs: settings.window, cooldownMs: settings.attack_cooldown }, attackLogger(ctx, settings, counters));
    const verified = await loadVerified(ctx, settings);

    ctx.events.on('PreLogin', function antibotCountJoin() {
      detector.record(Date.now());
    }, { priority: EventPriority.LAST });

    const handler = createAntibotHandler({
      underAttack: () => detector.check(Date.now()),
      verified,
      counters,
      settings,
      messages: settings.messages,
      newCode,
      scheduler: ctx.scheduler,
      log: ctx.log,
      now: Date.now,
    });
    ctx.limbo.register(handler);

    const service: AntibotService = {
      stats() {
        const now = Date.now();
        const c = counters.snapshot();
        return {
          attack: detector.check(now),
          joinsPerSecond: round(detector.joinsPerSecond(now)),
          ...c,
          failed: c.failedWrongCode + c.failedTimeout,
          held: handler.heldCount,
          verifiedKnown: verified.size,
          attacks: detector.attacks,
        };
      },
    };
    ctx.services.provide(ANTIBOT_SERVICE, service);
    ctx.commands.register(antibotCommand(service, verified, settings.remember_by));

    ctx.scheduler.interval(TICK_MS, function antibotTick() {
      const now = Date.now();
      detector.check(now);
      verified.prune(now);
    });
    ctx.log.debug({ joinsPerSecond: settings.joins_per_second, window: settings.window, attackCooldown: settings.attack_cooldown }, 'watching the join rate');
  },
  async teardown() {
    await Promise.all([...flushing]);
  },
});

/** Logs attack mode turning on, and off with what the checks did meanwhile. */
function attackLogger(ctx: PluginContext<unknown>, settings: AntibotSettings, counters: Counters): (change: AttackChange) => void {
  let atStart: Readonly<Counts> = counters.snapshot();
  return function antibotAttackChange(change) {
    if (change.type === 'started') {
      atStart = counters.snapshot();
      ctx.log.warn({ joinsPerSecond: round(change.joinsPerSecond), threshold: settings.joins_per_second }, 'attack mode on: joins per second above the threshold, unverified players are checked');
      return;
    }
    const { passed, failed, failedWrongCode, failedTimeout, left, refused, remembered } = counters.since(atStart);
    ctx.log.warn(
      { durationMs: change.at - change.startedAt, peakJoinsPerSecond: round(change.peakJoinsPerSecond), joins: change.joins, passed, failed, failedWrongCode, failedTimeout, left, refused, remembered },
      'attack mode off: summary of the checks during the attack',
    );
  };
}

/** The remembered players, from the file when storage is enabled (a bad file is logged and replaced: it is a cache). */
async function loadVerified(ctx: PluginContext<unknown>, settings: AntibotSettings): Promise<VerifiedPlayers> {
  if (!settings.storage.enabled) return new VerifiedPlayers(settings.remember_for, settings.remember_max);
  const file = isAbsolute(settings.storage.path) ? settings.storage.path : resolve(ctx.dataDir, settings.storage.path);
  const writer = ctx.files.writer(file, () => encodeVerified(settings.remember_by, verified.entries()), {
    mode: VERIFIED_FILE_MODE,
    minIntervalMs: SAVE_DELAY_MS,
    onError: (err) => ctx.log.error({ file, error: err.message }, 'could not write the verified players; they stay in memory'),
  });
  const verified = new VerifiedPlayers(settings.remember_for, settings.remember_max, () => void writer.save());
  await ctx.files.removeStaleTemps(file);
  try {
    const { entries, note } = await readVerified(file, settings.remember_by, Date.now());
    verified.load(entries, Date.now());
    if (note !== undefined) ctx.log.warn({ file }, note);
    ctx.log.info({ file, verified: verified.size }, 'verified players loaded');
  } catch (err) {
    ctx.log.warn({ file, error: (err as Error).message }, 'the verified players file cannot be read; starting with none (it is replaced at the next save)');
  }
  ctx.signal.addEventListener('abort', function antibotFinalSave() {
    const done = writer.flush();
    flushing.add(done);
    void done.finally(() => flushing.delete(done));
  }, { once: true });
  return verified;
}

function round(rate: number): number {
  return Math.round(rate * 10) / 10;
}
