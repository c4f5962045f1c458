/**
 * The kernel's packet hooks for intercepted sessions: chat and command events, proxy commands
 * run for players, proxy commands in the client's command tree, the chat session stripped, the
 * BungeeCord plugin-message channel (bungeecord-hook.ts).
 * The proxy builds them once (`createSessionHooks`) and gives them to every intercepted session;
 * it registers `infrarustCommand` in the command registry under `INFRARUST_COMMAND_OWNER`.
 */
import type { Command } from '../../../sdk/commands.ts';
import type { EventBus } from '../../layers/event-bus.ts';
import type { NamedRegistry } from '../../layers/registries.ts';
import type { Logger } from '../../log/logger.ts';
import type { PacketHook } from '../packet-hooks.ts';
import { limboCommandLine, type PlayerLookup } from './command-hook.ts';
import type { PlayerChannel } from '../player-channel.ts';
import { commandTreeHook } from './command-tree-hook.ts';
import { PlayerPermissions, type PermissionsConfig } from './permissions.ts';
import { serverboundChatHook } from './serverbound-chat-hook.ts';
import { bungeeCordHook, type BungeeCordSources } from './bungeecord-hook.ts';

export { infrarustCommand, INFRARUST_COMMAND_OWNER } from './infrarust-command.ts';
export { serverCommand, SERVER_COMMAND_PERMISSION } from './server-command.ts';
export { PlayerPermissions, builtinChecker, subcommandPermission, type PermissionChecker, type PermissionsConfig } from './permissions.ts';
export type { PlayerLookup } from './command-hook.ts';
export type { BungeeCordSources } from './bungeecord-hook.ts';

export interface SessionHookDeps {
  /** The EventBus: ChatMessage, CommandExecute, PermissionsSetup. */
  readonly events: EventBus;
  /** The command registry (`layers.registries.commands`). */
  readonly commands: NamedRegistry<Command>;
  /** Intercepted players by connection id, to reply to them (the PlayerRegistry). */
  readonly players: PlayerLookup;
  /** `[permissions]` as loaded. */
  readonly permissions: () => PermissionsConfig;
  /** `announce_proxy_commands`: add proxy commands to the client's command tree. */
  readonly announceCommands: () => boolean;
  /** Players, servers and `[plugin_messaging]` for the BungeeCord channel; without it the channel is not answered. */
  readonly bungeecord?: BungeeCordSources;
  readonly log: Logger;
}

export interface SessionHooks {
  readonly hooks: readonly PacketHook[];
  /** Runs a line typed in limbo as a proxy command when one matches (command-hook.ts limboCommandLine). */
  readonly limboCommand: (channel: PlayerChannel, line: string, reply: (text: string) => void) => boolean | Promise<boolean>;
  /** Per-player permission checkers (PermissionsSetup fires on a player's first check). */
  readonly permissions: PlayerPermissions;
}

/** The hooks, in the order the relay should run them. */
export function createSessionHooks(deps: SessionHookDeps): SessionHooks {
  const permissions = new PlayerPermissions({ events: deps.events, config: deps.permissions, log: deps.log });
  const shared = { events: deps.events, commands: deps.commands, players: deps.players, permissions, log: deps.log };
  const hooks: PacketHook[] = [serverboundChatHook(shared), commandTreeHook({ ...shared, announce: deps.announceCommands })];
  if (deps.bungeecord !== undefined) hooks.push(bungeeCordHook({ sources: deps.bungeecord, log: deps.log }));
  return {
    hooks,
    limboCommand: (channel, line, reply) => limboCommandLine(shared, channel, line, reply),
    permissions,
  };
}
