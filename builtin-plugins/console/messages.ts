/**
 * `send`, `msg` and `broadcast`: chat lines to players. Only intercepted players (client_only,
 * offline) can be sent anything; a passthrough player's stream is the backend's, and the reply
 * says so rather than pretending the message went out.
 */
import { legacyToComponent, type CommandSource, type Player, type PluginContext, type TextComponent } from '../../sdk/index.ts';

type Ctx = PluginContext<unknown>;

/** What `msg` puts before the message, so the player knows who wrote it. */
const CONSOLE_PREFIX: TextComponent = { text: '[Console] ', color: 'gold' };

/** The operator's text with `&` and `§` codes as a component. */
function text(words: string[]): TextComponent {
  return legacyToComponent(words.join(' '), { ampersand: true });
}

function passthroughLine(p: Player): string {
  return `${p.username} is in passthrough mode; messages need client_only or offline`;
}

/** `send <player> <message>` (as typed) and `msg <player> <message>` (after "[Console] "). */
export function sendTo(ctx: Ctx, s: CommandSource, [name, ...words]: string[], kind: 'send' | 'msg'): void {
  if (name === undefined || words.length === 0) return s.reply(`usage: ${kind} <player> <message>`);
  const player = ctx.proxy.player(name);
  if (player === undefined) return s.reply(`${name} is not connected`);
  if (player.mode === 'passthrough') return s.reply(passthroughLine(player));
  const message = kind === 'msg' ? { text: '', extra: [CONSOLE_PREFIX, text(words)] } : text(words);
  const result = player.sendMessage(message);
  s.reply(result.ok ? `sent to ${player.username}` : `${player.username} did not get it: ${result.message}`);
}

/** `broadcast <message>`: every intercepted player; the reply counts who got it and who could not. */
export function broadcast(ctx: Ctx, s: CommandSource, words: string[]): void {
  if (words.length === 0) return s.reply('usage: broadcast <message>');
  const message = text(words);
  let sent = 0;
  let passthrough = 0;
  const failed: string[] = [];
  for (const p of ctx.proxy.players()) {
    if (p.mode === 'passthrough') {
      passthrough++;
      continue;
    }
    const r = p.sendMessage(message);
    if (r.ok) sent++;
    else failed.push(`${p.username} (${r.message})`);
  }
  const parts = [`sent to ${sent} player${sent === 1 ? '' : 's'}`];
  if (passthrough > 0) parts.push(`${passthrough} in passthrough mode did not get it (messages need client_only or offline)`);
  if (failed.length > 0) parts.push(`not delivered to ${failed.join(', ')}`);
  s.reply(parts.join('; '));
}
