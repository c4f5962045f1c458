/**
 * Player-facing texts of `[plugins.antibot.messages]`: `&` colour codes (and `§`) and
 * `{placeholder}`s, rendered by the sdk's `renderMessage` (values go in after the colour codes are
 * translated, so a player's name cannot add formatting).
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

/** The message with `&` codes translated and `{name}` placeholders filled (sdk `renderMessage`). */
export { renderMessage as render } from '../../sdk/index.ts';
