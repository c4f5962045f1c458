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
  /** Required permission; absent = everyone. */
  permission?: string;
  execute(source: CommandSource, args: string[]): void | Promise<void>;
  complete?(source: CommandSource, args: string[]): string[];
}
