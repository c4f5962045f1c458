/**
 * The operators' console command `antibot` (console only: no `players: true`):
 * `antibot [status]` prints the counters, `antibot forget <player>` makes a verified player take
 * the check again at their next join during an attack.
 */
import type { Command } from '../../sdk/index.ts';
import type { AntibotService } from './api.ts';
import type { RememberBy, VerifiedPlayers } from './verified.ts';

export const ANTIBOT_ADMIN_PERMISSION = 'infrarust.antibot.admin';

export function antibotCommand(service: AntibotService, verified: VerifiedPlayers, rememberBy: RememberBy): Command {
  return {
    name: 'antibot',
    usage: 'antibot [status | forget <player>]',
    description: 'Join-flood check: counters, or forget a verified player',
    permission: ANTIBOT_ADMIN_PERMISSION,
    execute: function antibotConsoleCommand(source, args) {
      const [sub = 'status', name] = args;
      if (sub === 'status') return source.reply(describe(service));
      if (sub !== 'forget' || name === undefined || args.length !== 2) return source.reply('Usage: antibot [status | forget <player>]');
      if (rememberBy === 'ip') return source.reply('remember_by = "ip": players are remembered by address, not by name');
      const removed = verified.forgetName(name);
      source.reply(removed > 0 ? `${name} will be checked again (${removed} entr${removed === 1 ? 'y' : 'ies'} removed)` : `${name} is not remembered as verified`);
    },
    complete: (_source, args) => (args.length <= 1 ? ['status', 'forget'].filter((s) => s.startsWith(args[0] ?? '')) : []),
  };
}

function describe(service: AntibotService): string {
  const s = service.stats();
  return [
    `attack mode: ${s.attack ? 'ON' : 'off'} (${s.joinsPerSecond} joins/s now, ${s.attacks} attack(s) since load)`,
    `checks: ${s.passed} passed, ${s.failed} failed (${s.failedWrongCode} wrong code, ${s.failedTimeout} timeout), ${s.left} left, ${s.refused} refused (too many held)`,
    `held now: ${s.held}; verified remembered: ${s.verifiedKnown}; joins let through as verified: ${s.remembered}`,
  ].join('\n');
}
