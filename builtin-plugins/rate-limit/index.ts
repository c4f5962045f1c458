/**
 * rate-limit: enforces `[rate_limit]` per client (IPv4 address or IPv6 /64) with two GCRA
 * budgets, logins (`max_connections` per `window`) and status pings (`status_max` per
 * `status_window`). Over the limit a login is kicked with a reason, a ping is closed silently.
 */
import { definePlugin, deny, dropSilently, type EventMap } from '../../sdk/index.ts';
import { clientKey } from './client-key.ts';
import { KeyedLimiter } from './limiter.ts';
import { RateLimitSchema, type RateLimitSettings } from './options.ts';

/** Before ip-filter's per-server check (248), as in v2, and after most plugins so their `allow()` cannot undo a refusal. */
const HANDSHAKE_PRIORITY = 240;

/** No limiter for a budget of 0, or a zero window (allowed only when `enabled` is not written). */
function budget(max: number, windowMs: number): KeyedLimiter | undefined {
  return max === 0 || windowMs === 0 ? undefined : new KeyedLimiter({ max, windowMs });
}

function describe(max: number, windowMs: number, what: string): string {
  return max === 0 || windowMs === 0 ? `${what} not limited` : `${max} ${what} per ${windowMs / 1000}s`;
}

/** A refusal an earlier listener made (a ban's reason, say) is kept rather than replaced. */
function alreadyRefused(e: EventMap['ConnectionHandshake']): boolean {
  return e.result?.type === 'denied' || e.result?.type === 'drop-silently';
}

export default definePlugin({
  sections: { rate_limit: RateLimitSchema },
  setup(ctx) {
    // Validated with the whole file before startup; absent only outside a proxy (tests): defaults.
    const settings: RateLimitSettings = (ctx.sections.rate_limit as RateLimitSettings | undefined) ?? RateLimitSchema.parse({});
    if (!settings.enabled) return void ctx.log.info('[rate_limit] enabled = false: connections are not rate limited');
    const logins = budget(settings.max_connections, settings.window);
    const pings = budget(settings.status_max, settings.status_window);
    ctx.log.debug(`per client: ${describe(settings.max_connections, settings.window, 'logins')}, ${describe(settings.status_max, settings.status_window, 'pings')}`);
    if (logins === undefined && pings === undefined) return;

    // Idle keys (bucket full again) are at most one window old: sweeping about once per window
    // keeps the maps to the clients seen recently; the limiter's cap covers floods in between.
    const sweepEvery = Math.min(60_000, Math.max(1_000, settings.window, settings.status_window));
    ctx.scheduler.interval(sweepEvery, function sweepRateLimits() {
      logins?.sweep();
      pings?.sweep();
    });

    ctx.events.on(
      'ConnectionHandshake',
      function rateLimitHandshake(e) {
        const isLogin = e.intent === 'login' || e.intent === 'transfer';
        const limiter = isLogin ? logins : pings; // legacy (pre-1.7) counts as a ping
        if (limiter === undefined) return undefined;
        const waitMs = limiter.take(clientKey(e.conn.remoteAddress));
        if (waitMs === 0 || alreadyRefused(e)) return undefined;
        ctx.log.debug({ remote: e.conn.remoteAddress, intent: e.intent }, 'rate limited');
        if (!isLogin) return dropSilently();
        return deny(`§cToo many connection attempts, try again in ${Math.max(1, Math.ceil(waitMs / 1000))}s`);
      },
      { priority: HANDSHAKE_PRIORITY },
    );
  },
});
