/**
 * Play-state helpers for tests with real minecraft-protocol peers: a backend writes a system
 * chat line the way its version expects (legacy chat, 1.19 system chat, NBT content on 1.20.3+),
 * and both sides' chat is read back as plain text.
 */
import type mc from 'minecraft-protocol';
import type { EventEmitter } from 'node:events';

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';

/** Sends `text` to a player from a minecraft-protocol server's client object. */
export function sendSystemChat(client: mc.ServerClient, text: string): void {
  const protocol = client.protocolVersion;
  if (protocol >= 765) {
    client.write('system_chat', { content: { type: 'compound', name: '', value: { text: { type: 'string', value: text } } }, isActionBar: false });
  } else if (protocol >= 760) {
    client.write('system_chat', { content: JSON.stringify({ text }), isActionBar: false });
  } else if (protocol === 759) {
    client.write('system_chat', { content: JSON.stringify({ text }), type: 1 });
  } else {
    client.write('chat', { message: JSON.stringify({ text }), position: 1, sender: ZERO_UUID });
  }
}

/** Calls `onLine` with each chat line or command a backend's player sends (commands keep their '/'). */
export function onPlayerChat(client: mc.ServerClient, onLine: (line: string) => void): void {
  const emitter = client as unknown as EventEmitter;
  emitter.on('chat', (p: { message: string }) => onLine(p.message));
  emitter.on('chat_message', (p: { message: string }) => onLine(p.message));
  emitter.on('chat_command', (p: { command: string }) => onLine(`/${p.command}`));
  emitter.on('chat_command_signed', (p: { command: string }) => onLine(`/${p.command}`));
}

/** Resolves with the first system/player chat line the client sees that contains `needle`. */
export function nextChat(client: mc.Client, needle: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no chat containing "${needle}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (m: { formattedMessage?: string }): void => {
      const text = plain(m.formattedMessage);
      if (!text.includes(needle)) return;
      off();
      resolve(text);
    };
    const off = (): void => {
      clearTimeout(timer);
      client.removeListener('systemChat', listener);
      client.removeListener('playerChat', listener);
    };
    client.on('systemChat', listener);
    client.on('playerChat', listener);
  });
}

function plain(json: string | undefined): string {
  if (json === undefined) return '';
  try {
    const walk = (c: unknown): string => {
      if (typeof c === 'string') return c;
      if (c === null || typeof c !== 'object') return '';
      const o = c as { text?: string; extra?: unknown[]; with?: unknown[]; translate?: string };
      return (o.text ?? '') + (o.extra ?? []).map(walk).join('') + (o.with ?? []).map(walk).join('');
    };
    return walk(JSON.parse(json));
  } catch {
    return json;
  }
}
