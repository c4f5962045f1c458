/**
 * Commands typed by intercepted players. `CommandExecute` fires first (Denied drops the line);
 * then a command a plugin registered with `players: true` that the player's checker allows runs
 * at the proxy, with a CommandSource whose `reply` chats to that player, and the line never
 * reaches the backend. Anything else (unknown to the proxy, console-only, or not permitted to
 * this player) goes to the backend unchanged, so backend commands of the same name keep working.
 *
 * The command runs detached from the stream: a slow command never holds the player's packets.
 */
import type { Command, CommandSource } from '../../../sdk/commands.ts';
import type { Text } from '../../../sdk/player.ts';
import type { EventBus } from '../../layers/event-bus.ts';
import { pluginOf, type NamedRegistry } from '../../layers/registries.ts';
import type { Logger } from '../../log/logger.ts';
import type { PlayerChannel } from '../player-channel.ts';
import type { PermissionChecker, PlayerPermissions } from './permissions.ts';
import { channelPlayerRef } from '../event-refs.ts';

/** How the hooks reach a player to reply (the PlayerRegistry's shape). */
export interface PlayerLookup {
  get(connectionId: number): { sendMessage(text: Text): unknown } | undefined;
}

export interface CommandHookDeps {
  readonly events: EventBus;
  readonly commands: NamedRegistry<Command>;
  readonly players: PlayerLookup;
  readonly permissions: PlayerPermissions;
  readonly log: Logger;
}

/** `forward`: send the line to the backend; `consume`: the proxy took it (denied or ran it). */
export type CommandVerdict = 'forward' | 'consume';

/** Splits `line` (without its `/`) into the command and its arguments. */
export function splitCommandLine(line: string): { command: string; args: string[] } {
  const [command = '', ...args] = line.split(' ').filter((w) => w !== '');
  return { command, args };
}

/** Chats `text` to the player, if the proxy still has them. */
export function replyTo(players: PlayerLookup, channel: PlayerChannel, text: string): void {
  if (text !== '') players.get(channel.connectionId)?.sendMessage(text);
}

/** Decides what happens to a typed command line; synchronous unless a plugin is involved. */
export function handleCommandLine(deps: CommandHookDeps, channel: PlayerChannel, line: string): CommandVerdict | Promise<CommandVerdict> {
  const { command, args } = splitCommandLine(line);
  const proxyCommand = playerCommand(deps.commands, command);
  if (deps.events.listenerCount('CommandExecute') === 0) {
    return proxyCommand === undefined ? 'forward' : runIfPermitted(deps, channel, proxyCommand, args);
  }
  return fireThenRun(deps, channel, command, args);
}

async function fireThenRun(deps: CommandHookDeps, channel: PlayerChannel, command: string, args: string[]): Promise<CommandVerdict> {
  const event = await deps.events.fire('CommandExecute', { player: channelPlayerRef(channel), command, args: [...args] });
  if (event.result?.type === 'denied') {
    replyTo(deps.players, channel, event.result.reason);
    return 'consume';
  }
  // Looked up again: a listener may have registered or removed a command meanwhile.
  const proxyCommand = playerCommand(deps.commands, command);
  return proxyCommand === undefined ? 'forward' : runIfPermitted(deps, channel, proxyCommand, args);
}

/** The registered command `name` resolves to, if players may run it at all. */
function playerCommand(commands: NamedRegistry<Command>, name: string): { key: string; command: Command } | undefined {
  if (name === '') return undefined;
  const key = name.toLowerCase();
  const command = commands.get(key);
  return command?.players === true ? { key, command } : undefined;
}

function runIfPermitted(deps: CommandHookDeps, channel: PlayerChannel, found: { key: string; command: Command }, args: string[]): CommandVerdict | Promise<CommandVerdict> {
  const checker = deps.permissions.forPlayer(channel);
  const decide = (hasPermission: PermissionChecker): CommandVerdict => {
    const needed = found.command.permission;
    if (needed !== undefined && !hasPermission(needed)) return 'forward';
    runDetached(deps, channel, found, args, hasPermission);
    return 'consume';
  };
  return checker instanceof Promise ? checker.then(decide) : decide(checker);
}

/**
 * A command line typed by a player the proxy holds in limbo: it runs at the proxy when it names a
 * command players may use and this player is permitted (true, replies go to `reply`); else false
 * and the limbo handler gets the line. CommandExecute does not fire and the line is not logged:
 * lines typed in limbo carry passwords (`/login`), which must reach only the handler.
 */
export function limboCommandLine(deps: CommandHookDeps, channel: PlayerChannel, line: string, reply: (text: string) => void): boolean | Promise<boolean> {
  const { command, args } = splitCommandLine(line);
  const found = playerCommand(deps.commands, command);
  if (found === undefined) return false;
  const decide = (hasPermission: PermissionChecker): boolean => {
    const needed = found.command.permission;
    if (needed !== undefined && !hasPermission(needed)) return false;
    runDetached(deps, channel, found, args, hasPermission, reply);
    return true;
  };
  const checker = deps.permissions.forPlayer(channel);
  return checker instanceof Promise ? checker.then(decide) : decide(checker);
}

function runDetached(deps: CommandHookDeps, channel: PlayerChannel, found: { key: string; command: Command }, args: string[], hasPermission: PermissionChecker, reply?: (text: string) => void): void {
  const source: CommandSource = {
    player: channelPlayerRef(channel),
    reply: reply ?? ((text) => replyTo(deps.players, channel, text)),
    hasPermission,
  };
  const plugin = pluginOf(deps.commands.ownerOf(found.key) ?? 'unknown');
  const failed = (err: unknown): void => {
    deps.log.error({ err, plugin, hook: `command:${found.command.name}`, player: channel.profile.name }, 'command failed');
    source.reply(`§cThe command failed: ${(err as Error)?.message ?? String(err)}`);
  };
  try {
    const pending = found.command.execute(source, args);
    if (pending instanceof Promise) pending.catch(failed);
  } catch (err) {
    failed(err);
  }
}
