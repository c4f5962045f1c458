/**
 * Host side of the `ban` and `server-manage` capabilities: thin bridges onto the services other
 * plugins provide (`ctx.services.get('ban')`, the ban plugin's; `'server-manager'`, the
 * server-manager plugin's), looked up at each call since the provider may reload. No provider
 * loaded: the call answers `unsupported`.
 *
 * A guest is synchronous and blocks its worker while the main thread answers, and every call
 * into it has a deadline (50 ms by default): so actions that take I/O (writing bans.json, asking a
 * panel to start a server) are started, not awaited, like `player-write.switch-server`. What can
 * be told synchronously is: `ban` records the ban in memory (and kicks matching players) before
 * the write, so `is-banned` right after is true; `unban` answers whether a ban existed;
 * `start`/`stop` answer not-found for a server that is not managed. A later failure is logged
 * under the plugin's logger.
 */
import type { PluginContext } from '../../../sdk/plugin.ts';
import type { ServerManagerService } from '../../../sdk/server-manager.ts';

/** The ban plugin's service as far as the bridge uses it (the kernel does not import plugins). */
interface BanTarget {
  type: 'username' | 'uuid' | 'ip' | 'ip_range';
  value: string;
}
interface BanServiceView {
  ban(target: BanTarget, options?: { reason?: string; durationMs?: number; source?: string }): Promise<unknown>;
  unban(target: BanTarget, source?: string): Promise<unknown>;
  get(target: BanTarget): unknown;
  isBanned(query: { ip?: string; username?: string; uuid?: string }): boolean;
}

type Tagged = { tag: string; val?: unknown };
const ok = (val?: unknown) => ({ tag: 'ok', val });
const fail = (tag: 'not-found' | 'invalid-argument' | 'unsupported', message: string) => ({ tag: 'err', val: { tag, val: message } });
const MAX_ARG = 256;

export function serviceImports(ctx: PluginContext<unknown>, id: string): Record<string, (...args: never[]) => unknown> {
  const source = `plugin:${id}`;
  const bans = (): BanServiceView | undefined => (ctx.services.get as (n: string) => unknown)('ban') as BanServiceView | undefined;
  const managers = (): ServerManagerService | undefined => ctx.services.get('server-manager');
  const background = (what: string, p: Promise<unknown>): void => {
    p.then(
      (r) => {
        const failed = r as { ok?: boolean; reason?: string } | undefined;
        if (failed?.ok === false) ctx.log.warn({ reason: failed.reason }, `${what} failed`);
      },
      (err: unknown) => ctx.log.warn({ err }, `${what} failed`),
    );
  };
  return {
    'ban.ban': (target: Tagged, reason?: string | null, durationMs?: bigint | null) => {
      const service = bans();
      if (service === undefined) return fail('unsupported', 'no ban service: the ban plugin is not loaded');
      const t = banTarget(target);
      if (typeof t === 'string') return fail('invalid-argument', t);
      if (reason != null && (typeof reason !== 'string' || reason.length > MAX_ARG)) return fail('invalid-argument', `reason longer than ${MAX_ARG} characters`);
      const ms = durationMs == null ? undefined : Number(durationMs);
      if (ms !== undefined && !(ms > 0 && Number.isSafeInteger(ms))) return fail('invalid-argument', 'duration-ms must be positive');
      try {
        background(`ban of ${t.type} ${t.value}`, service.ban(t, { reason: reason ?? undefined, durationMs: ms, source }));
      } catch (e) {
        return fail('invalid-argument', (e as Error).message);
      }
      return ok();
    },
    'ban.unban': (target: Tagged) => {
      const service = bans();
      if (service === undefined) return fail('unsupported', 'no ban service: the ban plugin is not loaded');
      const t = banTarget(target);
      if (typeof t === 'string') return fail('invalid-argument', t);
      const existed = service.get(t) !== undefined;
      if (existed) background(`unban of ${t.type} ${t.value}`, service.unban(t, source));
      return ok(existed);
    },
    'ban.is-banned': (target: Tagged) => {
      const service = bans();
      if (service === undefined) return fail('unsupported', 'no ban service: the ban plugin is not loaded');
      const t = banTarget(target);
      if (typeof t === 'string') return fail('invalid-argument', t);
      return ok(service.isBanned(t.type === 'username' ? { username: t.value } : t.type === 'uuid' ? { uuid: t.value } : { ip: t.value }));
    },
    'server-manage.state': (serverId: string) => {
      const m = managers();
      if (m === undefined) return fail('unsupported', 'no server manager: the server-manager plugin is not loaded');
      const state = m.state(String(serverId));
      return state === undefined ? fail('not-found', `server "${serverId}" is not managed`) : ok(state);
    },
    'server-manage.start': (serverId: string) => manage(managers(), String(serverId), 'start', background),
    'server-manage.stop': (serverId: string) => manage(managers(), String(serverId), 'stop', background),
  };
}

function manage(
  m: ServerManagerService | undefined,
  serverId: string,
  action: 'start' | 'stop',
  background: (what: string, p: Promise<unknown>) => void,
) {
  if (m === undefined) return fail('unsupported', 'no server manager: the server-manager plugin is not loaded');
  if (m.state(serverId) === undefined) return fail('not-found', `server "${serverId}" is not managed`);
  background(`${action} of ${serverId}`, m[action](serverId));
  return ok();
}

/** The WIT `ban-target` variant as the ban service's target, or why it is not one. */
function banTarget(t: Tagged): BanTarget | string {
  if (t === null || typeof t !== 'object' || typeof t.val !== 'string') return 'ban-target must be username, uuid or ip with a string';
  const value = t.val.trim();
  if (value === '' || value.length > MAX_ARG) return `ban-target ${t.tag} must be 1-${MAX_ARG} characters`;
  if (t.tag === 'username' || t.tag === 'uuid') return { type: t.tag, value };
  if (t.tag === 'ip') return { type: value.includes('/') ? 'ip_range' : 'ip', value };
  return `unknown ban-target ${String(t.tag)}`;
}
