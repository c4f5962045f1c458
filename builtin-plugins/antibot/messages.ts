/**
 * Player-facing texts of `[plugins.antibot.messages]`: `&` colour codes (and `§`) and
 * `{placeholder}`s. Values are inserted after the colour codes are translated, so a player's
 * name cannot add formatting. (A tiny local copy of the pattern in auth: plugins do not import
 * each other, and sdk/text.ts converts codes but does not fill placeholders.)
 */
export const DEFAULT_MESSAGES = {
  title: '&6Bot check',
  subtitle: '&eType &6&l{code}&e in chat',
  prompt: '&eMany players are joining right now. To show you are not a bot, type &6&l{code}&e in chat (or &6/verify {code}&e). {time} left.',
  wrong_code: '&cWrong code. {attempts} attempt(s) left.',
  passed: '&aThanks, {player}: you are verified.',
  failed: '&cYou did not pass the bot check.',
  timeout: '&cYou took too long to answer the bot check.',
  busy: '&cToo many players are being checked right now; please try again in a minute.',
} as const;

export type MessageKey = keyof typeof DEFAULT_MESSAGES;
export type Messages = Readonly<Record<MessageKey, string>>;
export type MessageVars = Readonly<Record<string, string | number>>;

/** The message with `&` codes translated and `{name}` placeholders filled (unknown ones kept). */
export function render(template: string, vars: MessageVars = {}): string {
  return template
    .replace(/&([0-9a-fk-or])/gi, '§$1')
    .replace(/\{([a-z_]+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}
