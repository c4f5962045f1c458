/**
 * The `auth` limbo handler: a verified (premium) player passes; anyone else is held until they
 * `/login` or `/register`, with title and chat reminders and a `login_timeout` kick. Wrong
 * passwords count per address (Lockouts); the last allowed one kicks and locks the address.
 * One command per player is checked at a time (a hash takes tens of milliseconds), so a burst
 * of guesses cannot outrun the counter. Passwords are only ever handed to the hasher.
 */
import type { Logger } from 'pino';
import { accept, formatDuration, hold, type HandlerResult, type LimboHandler, type LimboSession, type ScheduledTask } from '../../sdk/index.ts';
import type { AccountStore } from './accounts.ts';
import type { Lockouts } from './lockout.ts';
import { render, type MessageKey, type Messages, type MessageVars } from './messages.ts';
import type { Hasher } from './passwords.ts';
import type { PasswordPolicy } from './policy.ts';

export interface HandlerSettings {
  login_timeout: number;
  title_reminder_interval: number;
  chat_reminder_interval: number;
}

/** What the handler needs, and nothing else (tests pass fakes). */
export interface HandlerDeps {
  store: AccountStore;
  /** Writes the accounts; never rejects (the plugin logs a failed write). */
  save(): Promise<void>;
  hasher: Hasher;
  policy: PasswordPolicy;
  lockouts: Lockouts;
  messages: Messages;
  settings: HandlerSettings;
  scheduler: { delay(ms: number, task: () => void): ScheduledTask; interval(ms: number, task: () => void): ScheduledTask };
  log: Logger;
  maskIp(ip: string): string;
}

interface Held {
  session: LimboSession;
  tasks: ScheduledTask[];
  busy: boolean;
}

export interface AuthHandler extends LimboHandler {
  /** Lets a held player in; false when nobody of that name is held. */
  forceLogin(name: string): boolean;
  /** Tells a held player of that name to register again (after forceunregister). */
  promptAgain(name: string): void;
  /** How many players are held now. */
  readonly heldCount: number;
  /** The connection ended: a later connection logs in again. */
  forgetConnection(connectionId: number): void;
}

type Command = (h: Held, args: string[]) => Promise<void>;

export function createAuthHandler(deps: HandlerDeps): AuthHandler {
  const { store, hasher, lockouts, messages, log } = deps;
  const held = new Map<number, Held>();
  /** Connections that logged in (or were verified) since they joined: a later visit to limbo (after a kick, a redirect) passes. */
  const authenticated = new Set<number>();
  const text = (key: MessageKey, vars?: MessageVars): string => render(messages[key], vars);
  const say = (h: Held, key: MessageKey, vars?: MessageVars): void => void h.session.sendMessage(text(key, vars));
  const who = (s: LimboSession) => ({ player: s.player.username, ip: deps.maskIp(s.player.remoteAddress) });
  const registered = (name: string): boolean => (store.get(name)?.password_hash ?? null) !== null;

  const release = (h: Held): void => {
    for (const t of h.tasks) t.cancel();
    h.tasks.length = 0;
    held.delete(h.session.player.connectionId);
  };
  const prompt = (h: Held): void => say(h, registered(h.session.player.username) ? 'login_prompt' : 'register_prompt', { player: h.session.player.username });
  const title = (h: Held): void => {
    const r = registered(h.session.player.username);
    void h.session.sendTitle(text(r ? 'login_title' : 'register_title'), text(r ? 'login_subtitle' : 'register_subtitle'));
  };
  const finish = async (h: Held, key: MessageKey): Promise<void> => {
    const { username, remoteAddress } = h.session.player;
    store.recordLogin(username, remoteAddress);
    lockouts.succeed(remoteAddress);
    authenticated.add(h.session.player.connectionId);
    await deps.save();
    log.info(who(h.session), 'player authenticated');
    say(h, key);
    release(h);
    h.session.complete(accept());
  };
  const wrongPassword = (h: Held): void => {
    const ip = h.session.player.remoteAddress;
    const left = lockouts.fail(ip);
    log.info({ ...who(h.session), attemptsLeft: left }, 'wrong password');
    if (left > 0) return say(h, 'login_wrong_password', { attempts: left });
    release(h);
    void h.session.kick(text('login_max_attempts', { time: formatDuration(lockouts.remainingMs(ip)) }));
  };
  /** Verifies `password` for the held player (a dummy verification when there is no password). */
  const verify = async (h: Held, password: string): Promise<'ok' | 'wrong' | 'unregistered'> => {
    const account = store.get(h.session.player.username);
    const verdict = await hasher.verify(password, account?.password_hash);
    if (account?.password_hash == null) return 'unregistered';
    if (!verdict.ok) return 'wrong';
    if (verdict.rehash) store.setHash(account.username, await hasher.hash(password));
    return 'ok';
  };
  const violation = (h: Held, password: string): boolean => {
    const v = deps.policy(password, h.session.player.username);
    if (v !== undefined) say(h, v.key, v.vars);
    return v !== undefined;
  };

  const login: Command = async (h, args) => {
    if (args.length !== 1) return say(h, 'login_usage');
    const result = await verify(h, args[0]!);
    if (result === 'unregistered') return say(h, 'login_not_registered');
    if (result === 'wrong') return wrongPassword(h);
    await finish(h, 'login_success');
  };
  const register: Command = async (h, args) => {
    if (args.length !== 2) return say(h, 'register_usage');
    const name = h.session.player.username;
    if (registered(name)) return say(h, 'register_already');
    if (args[0] !== args[1]) return say(h, 'register_mismatch');
    if (violation(h, args[0]!)) return;
    const hash = await hasher.hash(args[0]!);
    if (registered(name)) return say(h, 'register_already');
    if (store.create(name, hash) === undefined) store.setHash(name, hash); // a premium-only account gains a password
    log.info(who(h.session), 'account registered');
    await finish(h, 'register_success');
  };
  const changePassword: Command = async (h, args) => {
    if (args.length !== 2) return say(h, 'changepassword_usage');
    const result = await verify(h, args[0]!);
    if (result === 'unregistered') return say(h, 'login_not_registered');
    if (result === 'wrong') return wrongPassword(h);
    if (violation(h, args[1]!)) return;
    store.setHash(h.session.player.username, await hasher.hash(args[1]!));
    log.info(who(h.session), 'password changed');
    await finish(h, 'changepassword_success');
  };
  const unregister: Command = async (h, args) => {
    if (args.length !== 1) return say(h, 'unregister_usage');
    const result = await verify(h, args[0]!);
    if (result === 'unregistered') return say(h, 'login_not_registered');
    if (result === 'wrong') return wrongPassword(h);
    store.delete(h.session.player.username);
    await deps.save();
    log.info(who(h.session), 'account removed by its player');
    say(h, 'unregister_success');
  };
  const commands: Record<string, Command> = {
    login, l: login, log: login,
    register, reg: register,
    changepassword: changePassword, changepw: changePassword, cp: changePassword,
    unregister,
  };

  return {
    name: 'auth',
    onPlayerEnter: function authPlayerEnter(session): HandlerResult {
      const { player } = session;
      if (session.entry.type !== 'initial' && authenticated.has(player.connectionId)) return accept();
      const lockedMs = lockouts.remainingMs(player.remoteAddress);
      if (lockedMs > 0) {
        log.info(who(session), 'refused: too many wrong passwords from this address');
        return { type: 'deny', reason: text('login_locked', { time: formatDuration(lockedMs) }) };
      }
      if (player.verified === true) {
        // Proven by the session server (premium auto-login): no password needed.
        const uuid = player.profile?.uuid ?? player.uuid;
        if (uuid !== undefined) {
          store.recordPremiumLogin(player.username, uuid, player.remoteAddress);
          void deps.save();
        }
        log.info(who(session), 'verified player passes without a password');
        authenticated.add(player.connectionId);
        return accept();
      }
      const h: Held = { session, tasks: [], busy: false };
      held.set(player.connectionId, h);
      prompt(h);
      title(h);
      h.tasks.push(
        deps.scheduler.interval(deps.settings.title_reminder_interval, function authTitleReminder() { title(h); }),
        deps.scheduler.interval(deps.settings.chat_reminder_interval, function authChatReminder() { prompt(h); }),
        deps.scheduler.delay(deps.settings.login_timeout, function authLoginTimeout() {
          if (!held.has(player.connectionId)) return;
          release(h);
          log.info(who(session), 'kicked: login timeout');
          void session.kick(text('login_timeout'));
        }),
      );
      return hold();
    },
    onCommand: async function authCommand(session, command, args) {
      const h = held.get(session.player.connectionId);
      if (h === undefined) return;
      const run = commands[command.toLowerCase()];
      if (run === undefined) return say(h, 'unknown_command');
      if (h.busy) return say(h, 'busy');
      h.busy = true;
      try {
        await run(h, args);
      } catch (err) {
        // Only the message: a cause chain could carry arguments.
        log.error({ ...who(session), command, error: (err as Error)?.message }, 'auth command failed');
        say(h, 'error');
      } finally {
        h.busy = false;
      }
    },
    onLeave: function authLeave(session) {
      const h = held.get(session.player.connectionId);
      if (h !== undefined) release(h);
    },
    forceLogin(name) {
      const h = [...held.values()].find((x) => x.session.player.username.toLowerCase() === name.toLowerCase());
      if (h === undefined) return false;
      say(h, 'forcelogin_notice');
      release(h);
      authenticated.add(h.session.player.connectionId);
      h.session.complete(accept());
      return true;
    },
    forgetConnection(connectionId: number) {
      authenticated.delete(connectionId);
    },
    promptAgain(name) {
      const h = [...held.values()].find((x) => x.session.player.username.toLowerCase() === name.toLowerCase());
      if (h !== undefined) say(h, 'forceunregister_notice');
    },
    get heldCount() {
      return held.size;
    },
  };
}
