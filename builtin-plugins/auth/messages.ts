/**
 * Player-facing texts: `&` colour codes (and `§`) and `{placeholder}`s, as in v2's `[messages]`.
 * Placeholder values are inserted after the colour codes are translated, so a player's name
 * cannot inject formatting.
 */
export const DEFAULT_MESSAGES = {
  login_prompt: '&eWelcome back, {player}! Log in with &6/login <password>',
  register_prompt: '&eWelcome, {player}! Register with &6/register <password> <password>',
  login_title: '&6Login',
  login_subtitle: '&e/login <password>',
  register_title: '&6Register',
  register_subtitle: '&e/register <password> <password>',
  login_success: '&aLogged in. Have fun!',
  login_wrong_password: '&cWrong password. {attempts} attempt(s) left.',
  login_max_attempts: '&cToo many wrong passwords. Try again in {time}.',
  login_locked: '&cToo many wrong passwords from your address. Try again in {time}.',
  login_timeout: '&cYou took too long to log in.',
  login_not_registered: '&cYou have no account yet. Register with &6/register <password> <password>',
  login_usage: '&cUsage: /login <password>',
  register_success: '&aRegistered and logged in. Have fun!',
  register_already: '&cYou already have an account. Log in with &6/login <password>',
  register_mismatch: '&cThe two passwords differ.',
  register_usage: '&cUsage: /register <password> <password>',
  password_too_short: '&cThe password needs at least {min} characters.',
  password_too_long: '&cThe password may have at most {max} characters.',
  password_contains_name: '&cThe password must not contain your name.',
  password_blocked: '&cThat password is too common; choose another one.',
  changepassword_success: '&aPassword changed.',
  changepassword_usage: '&cUsage: /changepassword <old password> <new password>',
  unregister_success: '&aYour account was removed. Register again with &6/register <password> <password>',
  unregister_usage: '&cUsage: /unregister <password>',
  busy: '&7Checking…',
  unknown_command: '&cUnknown command. Use &6/login <password>&c or &6/register <password> <password>',
  error: '&cSomething went wrong on our side; try again.',
  forcelogin_notice: '&aAn operator logged you in.',
  forceunregister_notice: '&cYour account was removed by an operator. Register again.',
} as const;

export type MessageKey = keyof typeof DEFAULT_MESSAGES;
export type Messages = Readonly<Record<MessageKey, string>>;
export type MessageVars = Readonly<Record<string, string | number>>;

/** The message with `&` codes translated and `{name}` placeholders filled (sdk `renderMessage`). */
export { renderMessage as render } from '../../sdk/index.ts';
