/** Commands for the console (and, with intercepted modes, players). */
import type { PlayerRef } from './events.ts';

export interface CommandSource {
  /** Absent for the console. */
  readonly player?: PlayerRef;
  reply(text: string): void;
  hasPermission(permission: string): boolean;
}

export interface Command {
  name: string;
  aliases?: readonly string[];
  description?: string;
  /** How to call it, shown by `help <name>` and usage errors, e.g. `kick <player> [reason]`. */
  usage?: string;
  /** Required permission; absent = everyone who may run it (the console; players when `players`). */
  permission?: string;
  /**
   * Whether intercepted players (`client_only`, `offline`) may run it by typing `/name …` in game
   * (it then also appears in their tab completion). Default false: console-only, so a proxy command
   * never shadows a backend command of the same name (`/list`, `/stop`) unless it asks to.
   * The proxy runs it instead of sending the line to the backend only for players whose
   * permission checker grants `permission`; for the others the line goes to the backend.
   * @example ctx.commands.register({ name: 'hub', players: true, execute: (s) => s.reply('§aOn your way') })
   */
  players?: boolean;
  execute(source: CommandSource, args: string[]): void | Promise<void>;
  complete?(source: CommandSource, args: string[]): string[];
}
