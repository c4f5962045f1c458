/**
 * The `antibot` limbo handler. Outside an attack everyone passes at once (`accept()`, no world
 * is rendered), and so does a player who enters the limbo other than by joining (kicked from a
 * backend, sent by a plugin). During one, a joining player who is not remembered as verified is held: a random code
 * is shown by title and chat, and the player must type it (or `/verify <code>`) within
 * `check_timeout`; `max_attempts` wrong codes or the timeout kick. A pass is remembered for
 * `remember_for`. What players type is compared, never logged: the log says pass or fail.
 */
import type { Logger } from 'pino';
import { accept, deny, formatDuration, holdWithTimeout, type HandlerResult, type LimboHandler, type LimboSession, type ScheduledTask } from '../../sdk/index.ts';
import { isAnswer } from './captcha.ts';
import type { Counters } from './counters.ts';
import { render, type MessageKey, type Messages, type MessageVars } from './messages.ts';
import { rememberKey, type RememberBy, type VerifiedPlayers } from './verified.ts';

/** The kernel's own bound on a hold, past our timer: a backstop should our timer not run. */
const BACKSTOP_MS = 5_000;
/** Another command repeats the prompt at most this often (a command flood gets no echo flood). */
const PROMPT_AGAIN_MS = 1_000;
/** Commands that take the code as an argument. */
const VERIFY_COMMANDS = new Set(['verify', 'captcha']);

export interface CheckSettings {
  check_timeout: number;
  max_attempts: number;
  code_length: number;
  reminder_interval: number;
  remember_by: RememberBy;
  max_held: number;
  skip_online_verified: boolean;
}

/** What the handler needs, and nothing else (tests pass fakes). */
export interface HandlerDeps {
  /** Whether the proxy is under attack now. */
  underAttack(): boolean;
  verified: VerifiedPlayers;
  counters: Counters;
  settings: CheckSettings;
  messages: Messages;
  newCode(length: number): string;
  scheduler: { delay(ms: number, task: () => void): ScheduledTask; interval(ms: number, task: () => void): ScheduledTask };
  log: Pick<Logger, 'info' | 'debug'>;
  now(): number;
}

interface Held {
  readonly session: LimboSession;
  readonly code: string;
  readonly deadline: number;
  attemptsLeft: number;
  lastPrompt: number;
  readonly tasks: ScheduledTask[];
}

export interface AntibotHandler extends LimboHandler {
  /** Decides at once (no I/O). */
  onPlayerEnter(session: LimboSession): HandlerResult;
  /** How many players are being checked now. */
  readonly heldCount: number;
}

export function createAntibotHandler(deps: HandlerDeps): AntibotHandler {
  const { settings, counters, log } = deps;
  const held = new Map<number, Held>();
  const text = (key: MessageKey, vars?: MessageVars): string => render(deps.messages[key], vars);
  const keyOf = (s: LimboSession): string => rememberKey(settings.remember_by, s.player.username, s.player.remoteAddress);
  const who = (s: LimboSession) => ({ player: s.player.username });

  const remind = (h: Held): void => {
    h.lastPrompt = deps.now();
    const vars = { code: h.code, player: h.session.player.username, time: formatDuration(Math.max(0, Math.ceil((h.deadline - deps.now()) / 1000) * 1000)) };
    void h.session.sendTitle(text('title', vars), text('subtitle', vars), { fadeIn: 5, stay: Math.ceil(settings.reminder_interval / 50) + 40, fadeOut: 10 });
    void h.session.sendMessage(text('prompt', vars));
  };
  const release = (h: Held): void => {
    for (const t of h.tasks) t.cancel();
    h.tasks.length = 0;
    held.delete(h.session.player.connectionId);
  };
  const pass = (h: Held): void => {
    release(h);
    deps.verified.remember(keyOf(h.session), deps.now());
    counters.add('passed');
    log.info(who(h.session), 'bot check passed');
    void h.session.sendMessage(text('passed', { player: h.session.player.username }));
    h.session.complete(accept());
  };
  const fail = (h: Held, outcome: 'failedWrongCode' | 'failedTimeout', key: MessageKey): void => {
    release(h);
    counters.add(outcome);
    log.debug({ ...who(h.session), reason: outcome === 'failedTimeout' ? 'timeout' : 'wrong code' }, 'bot check failed');
    void h.session.kick(text(key));
  };
  const answer = (h: Held, typed: string): void => {
    if (isAnswer(h.code, typed)) return pass(h);
    h.attemptsLeft--;
    if (h.attemptsLeft <= 0) return fail(h, 'failedWrongCode', 'failed');
    void h.session.sendMessage(text('wrong_code', { attempts: h.attemptsLeft }));
  };

  const check = (session: LimboSession): HandlerResult => {
    if (held.size >= settings.max_held) {
      counters.add('refused');
      log.debug(who(session), 'bot check refused: too many players held');
      return deny(text('busy'));
    }
    const h: Held = { session, code: deps.newCode(settings.code_length), deadline: deps.now() + settings.check_timeout, attemptsLeft: settings.max_attempts, lastPrompt: 0, tasks: [] };
    held.set(session.player.connectionId, h);
    remind(h);
    h.tasks.push(
      deps.scheduler.interval(settings.reminder_interval, function antibotReminder() { remind(h); }),
      deps.scheduler.delay(settings.check_timeout, function antibotTimeout() {
        if (held.get(session.player.connectionId) === h) fail(h, 'failedTimeout', 'timeout');
      }),
    );
    return holdWithTimeout(settings.check_timeout + BACKSTOP_MS, 'deny', text('timeout'));
  };

  return {
    name: 'antibot',
    onPlayerEnter: function antibotPlayerEnter(session): HandlerResult {
      if (!deps.underAttack()) return accept();
      // Only a join is checked: a player sent here after a kick or by a plugin is already connected.
      if (session.entry.type !== 'initial') return accept();
      if (settings.skip_online_verified && session.player.verified) return accept();
      if (deps.verified.has(keyOf(session), deps.now())) {
        counters.add('remembered');
        return accept();
      }
      return check(session);
    },
    onChat: function antibotChat(session, message) {
      const h = held.get(session.player.connectionId);
      if (h !== undefined) answer(h, message);
    },
    onCommand: function antibotCommand(session, command, args) {
      const h = held.get(session.player.connectionId);
      if (h === undefined) return;
      if (VERIFY_COMMANDS.has(command.toLowerCase()) && args.length > 0) return answer(h, args.join(''));
      if (deps.now() - h.lastPrompt >= PROMPT_AGAIN_MS) remind(h);
    },
    onLeave: function antibotLeave(session) {
      const h = held.get(session.player.connectionId);
      if (h === undefined) return;
      release(h);
      counters.add('left');
    },
    get heldCount() {
      return held.size;
    },
  };
}
