/**
 * Proxy commands in the client's command tree (1.13+): each `declare_commands` the backend sends
 * gains a literal per command (and alias) this player may run at the proxy — registered with
 * `players: true`, its permission granted by the player's checker — so tab completion offers them.
 * Their arguments are one greedy string: the client accepts anything after the name and asks no
 * one for suggestions. A backend literal of the same name is not removed: the client merges the
 * two (the backend's argument suggestions stay), and the proxy runs the command.
 * A tree whose root is not node 0 passes unchanged (logged at debug); so does every tree when
 * `announce_proxy_commands` is false.
 */
import type { Command } from '../../../sdk/commands.ts';
import { commandNames, type NamedRegistry } from '../../layers/registries.ts';
import type { Logger } from '../../log/logger.ts';
import { brigadierStringParser, kernelIds } from '../../protocol/ids/index.ts';
import { injectCommandNodes } from '../../protocol/packets/commands-tree.ts';
import type { HookResult, PacketHook } from '../packet-hooks.ts';
import type { PlayerChannel } from '../player-channel.ts';
import type { PermissionChecker, PlayerPermissions } from './permissions.ts';

export interface CommandTreeDeps {
  readonly commands: NamedRegistry<Command>;
  readonly permissions: PlayerPermissions;
  readonly log: Logger;
  /** `announce_proxy_commands`, read per packet. */
  readonly announce: () => boolean;
}

/** The names (lowercase, aliases included) of the proxy commands `hasPermission` lets a player run. */
export function playerCommandNames(commands: NamedRegistry<Command>, hasPermission: PermissionChecker): string[] {
  const names = new Set<string>();
  for (const { value } of commands.entries()) {
    if (value.players !== true) continue;
    if (value.permission !== undefined && !hasPermission(value.permission)) continue;
    for (const name of commandNames(value)) if (/^[^\s/]+$/.test(name)) names.add(name);
  }
  return [...names].sort();
}

export function commandTreeHook(deps: CommandTreeDeps): PacketHook {
  return {
    name: 'command-tree',
    ids(protocol, state, direction) {
      if (state !== 'play' || direction !== 'clientbound') return [];
      const id = kernelIds(protocol).play.cb.declareCommands;
      return id >= 0 ? [id] : [];
    },
    handle(channel, _state, _direction, packet) {
      const parser = brigadierStringParser(channel.protocol);
      if (parser === undefined || !deps.announce() || !deps.commands.entries().some((e) => e.value.players === true)) return undefined;
      const checker = deps.permissions.forPlayer(channel);
      const inject = (hasPermission: PermissionChecker): HookResult => withCommands(deps, channel, packet, parser, hasPermission);
      return checker instanceof Promise ? checker.then(inject) : inject(checker);
    },
  };
}

function withCommands(deps: CommandTreeDeps, channel: PlayerChannel, packet: Buffer, parser: number | string, hasPermission: PermissionChecker): HookResult {
  const names = playerCommandNames(deps.commands, hasPermission);
  if (names.length === 0) return undefined;
  const out = injectCommandNodes(packet, names, parser);
  if (out === undefined) deps.log.debug({ conn: channel.connectionId }, 'declare_commands root is not node 0; proxy commands not added to the tree');
  return out;
}
