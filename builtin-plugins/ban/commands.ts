/**
 * Console commands: `ban`, `ban-ip`, `unban`, `unban-ip`, `banlist`, `baninfo`. They parse
 * arguments and call the BanService, so they behave exactly like a plugin using the service.
 */
import type { Command, CommandSource } from 'infrarust/sdk';
import type { BanEntry, BanService, BanTarget } from './api.ts';
import { formatDuration, parseDuration } from './duration.ts';
import { addressTarget, anyTarget, describeTarget, playerTarget, TargetError } from './target.ts';

export const BAN_PERMISSION = 'infrarust.ban';

const sourceOf = (s: CommandSource): string => (s.player === undefined ? 'console' : `player:${s.player.username}`);

/** `[duration] [reason…]`: the first word is a duration only if it parses as one. */
export function durationAndReason(words: string[]): { durationMs?: number; reason?: string } {
  const durationMs = words.length > 0 ? parseDuration(words[0]) : undefined;
  const rest = durationMs === undefined ? words : words.slice(1);
  const reason = rest.join(' ').trim();
  return { durationMs, reason: reason === '' ? undefined : reason };
}

export function describeEntry(entry: BanEntry, nowMs: number): string {
  const until = entry.expires_at === null ? 'permanent' : `expires in ${formatDuration(Math.max(0, entry.expires_at * 1000 - nowMs))}`;
  return `${describeTarget(entry.target)} — ${entry.reason ?? 'no reason'} (${until}; by ${entry.source}, ${new Date(entry.created_at * 1000).toISOString()})`;
}

/** Wraps a command body so bad input becomes a reply instead of an error. */
function guarded(usage: string, body: (source: CommandSource, args: string[]) => Promise<void> | void): Command['execute'] {
  return async (source, args) => {
    try {
      await body(source, args);
    } catch (err) {
      if (!(err instanceof TargetError)) throw err;
      source.reply(`§c${err.message}. Usage: ${usage}`);
    }
  };
}

export function banCommands(service: BanService, now: () => number = Date.now): Command[] {
  const banWith = (name: string, usage: string, toTarget: (text: string) => BanTarget): Command => ({
    name,
    description: `Bans ${name === 'ban' ? 'a player (name or UUID)' : 'an IP address or CIDR range'}`,
    permission: BAN_PERMISSION,
    execute: guarded(usage, async function banCommand(source, args) {
      if (args.length === 0) return source.reply(`Usage: ${usage}`);
      const entry = await service.ban(toTarget(args[0]), { ...durationAndReason(args.slice(1)), source: sourceOf(source) });
      source.reply(`Banned ${describeEntry(entry, now())}`);
    }),
  });
  const unbanWith = (name: string, usage: string, toTarget: (text: string) => BanTarget): Command => ({
    name,
    description: `Lifts a ban on ${name === 'unban' ? 'a player' : 'an IP address or range'}`,
    permission: BAN_PERMISSION,
    execute: guarded(usage, async function unbanCommand(source, args) {
      if (args.length === 0) return source.reply(`Usage: ${usage}`);
      const target = toTarget(args[0]);
      const removed = await service.unban(target, sourceOf(source));
      source.reply(removed === undefined ? `${describeTarget(target)} was not banned` : `Unbanned ${describeTarget(removed.target)}`);
    }),
  });
  return [
    banWith('ban', 'ban <player|uuid> [duration] [reason]', playerTarget),
    banWith('ban-ip', 'ban-ip <ip|cidr> [duration] [reason]', addressTarget),
    unbanWith('unban', 'unban <player|uuid>', playerTarget),
    unbanWith('unban-ip', 'unban-ip <ip|cidr>', addressTarget),
    {
      name: 'banlist',
      description: 'Lists active bans',
      permission: BAN_PERMISSION,
      execute: function banlistCommand(source) {
        const bans = service.list();
        source.reply(bans.length === 0 ? 'No active bans' : [`${bans.length} active ban(s):`, ...bans.map((e) => `- ${describeEntry(e, now())}`)].join('\n'));
      },
    },
    {
      name: 'baninfo',
      description: 'Shows the ban of a player, UUID, IP or range',
      permission: BAN_PERMISSION,
      execute: guarded('baninfo <player|uuid|ip|cidr>', function baninfoCommand(source, args) {
        if (args.length === 0) return source.reply('Usage: baninfo <player|uuid|ip|cidr>');
        const target = anyTarget(args[0]);
        const entry = service.get(target) ?? (target.type === 'ip' ? service.check({ ip: target.value }) : undefined);
        source.reply(entry === undefined ? `${describeTarget(target)} is not banned` : describeEntry(entry, now()));
      }),
    },
  ];
}
