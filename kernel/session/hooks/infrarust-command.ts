/**
 * `/infrarust` (alias `/ir`), the proxy's own player command: `version`, `servers`, `plugins`.
 * Each subcommand needs `infrarust.command.<sub>` (admins have every permission; `[permissions]
 * player_commands` opens subcommands to every player; the console may run all). The proxy
 * registers it under the owner `infrarust`, like a plugin's command.
 */
import type { Command, CommandSource } from '../../../sdk/commands.ts';
import type { ProxyApi } from '../../../sdk/plugin.ts';
import { subcommandPermission } from './permissions.ts';

/** The owner key the proxy registers the command under. */
export const INFRARUST_COMMAND_OWNER = 'infrarust';

type Sub = (api: ProxyApi) => string;

const SUBCOMMANDS: Readonly<Record<string, Sub>> = {
  version: (api) => `§6Infrarust §f${api.version}`,
  servers: (api) => {
    const list = api.servers();
    if (list.length === 0) return '§7No servers configured.';
    return ['§6Servers:', ...list.map((s) => `§f${s.id} §7(${s.proxyMode}, ${s.connections} connected)`)].join('\n');
  },
  plugins: (api) => {
    const list = api.plugins();
    if (list.length === 0) return '§7No plugins.';
    return ['§6Plugins:', ...list.map((p) => `§f${p.id} §7${p.version} ${p.state}`)].join('\n');
  },
};

function allowed(source: CommandSource): string[] {
  return Object.keys(SUBCOMMANDS).filter((sub) => source.hasPermission(subcommandPermission(sub)));
}

export function infrarustCommand(api: ProxyApi): Command {
  return {
    name: 'infrarust',
    aliases: ['ir'],
    players: true,
    description: 'Proxy information for players: version, servers, plugins',
    usage: 'infrarust <version|servers|plugins>',
    execute(source, [sub]) {
      const key = sub?.toLowerCase() ?? '';
      if (!Object.hasOwn(SUBCOMMANDS, key)) {
        const mine = allowed(source);
        return source.reply(mine.length === 0 ? '§cYou may not use any /infrarust subcommand.' : `§7Usage: /infrarust <${mine.join('|')}>`);
      }
      if (!source.hasPermission(subcommandPermission(key))) return source.reply(`§cYou lack the permission ${subcommandPermission(key)}.`);
      source.reply(SUBCOMMANDS[key](api));
    },
    complete(source, args) {
      return args.length <= 1 ? allowed(source).filter((s) => s.startsWith(args[0]?.toLowerCase() ?? '')) : [];
    },
  };
}
