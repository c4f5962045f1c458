/**
 * `/server [name]`, the proxy's server-switch command for intercepted players (issue 13): without
 * an argument it lists the servers a switch can reach (client_only and offline ones) and says
 * which one the player is on; with one it moves the player there (`Player.switchServer`). Needs
 * `infrarust.command.server`. On the console (no player) `server <id>` shows that server's
 * summary instead. The proxy registers it under the owner `infrarust`.
 */
import type { Command, CommandSource } from '../../../sdk/commands.ts';
import type { ProxyApi } from '../../../sdk/plugin.ts';
import { subcommandPermission } from './permissions.ts';

export const SERVER_COMMAND_PERMISSION = subcommandPermission('server');

const SWITCHABLE = new Set(['client_only', 'offline']);

function serverIds(api: ProxyApi): string[] {
  return api.servers().filter((s) => SWITCHABLE.has(s.proxyMode)).map((s) => s.id);
}

export function serverCommand(api: ProxyApi): Command {
  return {
    name: 'server',
    players: true,
    permission: SERVER_COMMAND_PERMISSION,
    description: 'Lists the servers or moves you to one',
    usage: 'server [name]  (console: server <id> shows it)',
    execute(source, [name]) {
      if (source.player === undefined) return consoleServer(api, source, name);
      const player = api.player(source.player.connectionId);
      if (name === undefined) return list(api, source, player?.serverId);
      if (player === undefined) return source.reply('§cOnly players can switch servers.');
      // Not awaited: the player's own packets are held while a command runs, and a switch on
      // 1.20.2+ needs the client's next packets. Failures reach the player as chat.
      void player.switchServer(name).then((r) => {
        if (!r.ok && r.code === 'passthrough') source.reply('§cServer switching needs proxy_mode client_only or offline.');
      });
    },
    complete(_source, args) {
      if (args.length > 1) return [];
      const prefix = args[0]?.toLowerCase() ?? '';
      return serverIds(api).filter((id) => id.toLowerCase().startsWith(prefix));
    },
  };
}

/** The console's `server [id]`: one server's summary, or the list. */
function consoleServer(api: ProxyApi, source: CommandSource, id: string | undefined): void {
  if (id === undefined) return list(api, source, undefined);
  const found = api.servers().find((s) => s.id === id);
  source.reply(found === undefined ? `no server "${id}"` : JSON.stringify(found, null, 2));
}

function list(api: ProxyApi, source: CommandSource, current: string | undefined): void {
  const ids = serverIds(api);
  if (ids.length === 0) return source.reply('§7No servers to switch to.');
  const names = ids.map((id) => (id === current ? `§a${id}` : `§f${id}`)).join('§7, ');
  source.reply(current === undefined ? `§6Servers: ${names}` : `§6You are on §a${current}§6. Servers: ${names}`);
}
