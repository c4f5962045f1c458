/**
 * Console commands for operators: `forcelogin`, `forceunregister`, `forcechangepassword`.
 * Console only (no `players: true`): a player cannot run them, and the password an operator
 * types is never echoed or logged. `forcechangepassword <player>` without a password sets a
 * random one and shows it once, for consoles whose line history should not hold a password.
 */
import { randomBytes } from 'node:crypto';
import { stripLegacy, type Command } from '../../sdk/index.ts';
import type { AccountStore } from './accounts.ts';
import type { AuthHandler } from './handler.ts';
import { render, type Messages } from './messages.ts';
import type { Hasher } from './passwords.ts';
import type { PasswordPolicy } from './policy.ts';

export const AUTH_ADMIN_PERMISSION = 'infrarust.auth.admin';

export interface CommandDeps {
  store: AccountStore;
  save(): Promise<void>;
  hasher: Hasher;
  policy: PasswordPolicy;
  handler: AuthHandler;
  messages: Messages;
}

export function authCommands(deps: CommandDeps): Command[] {
  const { store, handler } = deps;
  return [
    {
      name: 'forcelogin',
      usage: 'forcelogin <player>',
      description: 'Lets a player waiting in the auth limbo in without a password',
      permission: AUTH_ADMIN_PERMISSION,
      execute: function forceloginCommand(source, args) {
        if (args.length !== 1) return source.reply('Usage: forcelogin <player>');
        source.reply(handler.forceLogin(args[0]!) ? `${args[0]} is logged in` : `${args[0]} is not waiting to log in`);
      },
    },
    {
      name: 'forceunregister',
      usage: 'forceunregister <player>',
      description: "Removes a player's account (they register again)",
      permission: AUTH_ADMIN_PERMISSION,
      execute: async function forceunregisterCommand(source, args) {
        if (args.length !== 1) return source.reply('Usage: forceunregister <player>');
        if (!store.delete(args[0]!)) return source.reply(`${args[0]} has no account`);
        await deps.save();
        handler.promptAgain(args[0]!);
        source.reply(`The account of ${args[0]} was removed`);
      },
    },
    {
      name: 'forcechangepassword',
      usage: 'forcechangepassword <player> [password]',
      description: "Sets a player's password (a random one, shown once, when none is given)",
      permission: AUTH_ADMIN_PERMISSION,
      execute: async function forcechangepasswordCommand(source, args) {
        if (args.length < 1 || args.length > 2) return source.reply('Usage: forcechangepassword <player> [password]');
        const [name, given] = args as [string, string | undefined];
        if (store.get(name)?.password_hash == null) return source.reply(`${name} has no account with a password`);
        const password = given ?? randomBytes(9).toString('base64url');
        const problem = deps.policy(password, name);
        if (problem !== undefined) return source.reply(stripLegacy(render(deps.messages[problem.key], problem.vars)));
        store.setHash(name, await deps.hasher.hash(password));
        await deps.save();
        source.reply(given === undefined ? `The password of ${name} is now: ${password}` : `The password of ${name} was changed`);
      },
    },
  ];
}
