/**
 * The antibot plugin: a join-flood check run in the limbo, as the handler `antibot` (a server
 * opts in with `limbo_handlers = ["antibot"]`, on an intercepted proxy_mode).
 *
 * Every login counts towards the rate, whatever its server or mode: the plugin listens to
 * PreLogin (fired for every login that passed the handshake gates) and only observes it, never
 * answering. The handler itself runs only for the servers that list it, so counting there would
 * miss floods aimed at other servers. Attack mode and its summary (passed/failed counts) are
 * logged when they change; the `antibot` service exposes the counters.
 */
import { definePlugin, EventPriority } from '../../sdk/index.ts';
import { ANTIBOT_SERVICE, type AntibotService } from './api.ts';
import { AttackDetector, type AttackChange } from './attack.ts';
import { newCode } from './captcha.ts';
import { Counters, type Counts } from './counters.ts';
import { createAntibotHandler } from './handler.ts';
import { AntibotSchema, type AntibotSettings } from './options.ts';
import { VerifiedPlayers } from './verified.ts';

/** How often attack mode is re-evaluated without joins (so an attack can end) and memory pruned. */
const TICK_MS = 1_000;

export default definePlugin({
  configSchema: AntibotSchema,
  setup(ctx) {
    const settings = ctx.config as AntibotSettings;
    const counters = new Counters();
    let atStart: Readonly<Counts> = counters.snapshot();
    let attacks = 0;
    const onChange = function antibotAttackChange(change: AttackChange): void {
      if (change.type === 'started') {
        attacks++;
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
    const detector = new AttackDetector({ threshold: settings.joins_per_second, windowMs: settings.window, cooldownMs: settings.attack_cooldown }, onChange);
    const verified = new VerifiedPlayers(settings.remember_for, settings.remember_max);

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
          attacks,
        };
      },
    };
    ctx.services.provide(ANTIBOT_SERVICE, service);

    ctx.scheduler.interval(TICK_MS, function antibotTick() {
      const now = Date.now();
      detector.check(now);
      verified.prune(now);
    });
    ctx.log.debug({ joinsPerSecond: settings.joins_per_second, window: settings.window, attackCooldown: settings.attack_cooldown }, 'watching the join rate');
  },
});

function round(rate: number): number {
  return Math.round(rate * 10) / 10;
}
