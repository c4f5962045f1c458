/**
 * The interactive terminal: readline with history and tab completion, only when stdin is a
 * terminal. EOF (Ctrl-D, or stdin closed under a service manager) ends the console and nothing
 * else: no read loop keeps spinning on a closed stdin.
 */
import { createInterface, type Interface } from 'node:readline';
import type { PluginContext } from '../../sdk/index.ts';
import { stripLegacy } from '../../sdk/index.ts';
import { completeWord, parseLine } from './parse.ts';

export function startTerminal(ctx: PluginContext<unknown>, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Interface {
  const rl = createInterface({
    input,
    output,
    prompt: '> ',
    historySize: 500,
    completer: (line: string) => completeWord(line, candidates(ctx, line)),
  });
  const source = { reply: (text: string) => void output.write(`${stripLegacy(text)}\n`), hasPermission: () => true };
  rl.on('line', (line) => {
    const [name, ...args] = parseLine(line);
    if (name === undefined) return rl.prompt();
    void ctx.commands.run(name, source, args).then((found) => {
      if (!found) source.reply(`unknown command "${name}"; try help`);
      rl.prompt();
    });
  });
  rl.once('close', () => ctx.log.debug('console input closed'));
  rl.prompt();
  return rl;
}

function candidates(ctx: PluginContext<unknown>, line: string): string[] {
  const words = parseLine(line);
  const completingFirst = words.length === 0 || (words.length === 1 && !/\s$/.test(line));
  if (completingFirst) return ctx.commands.list().flatMap((c) => [c.name, ...c.aliases]);
  const players = ctx.proxy.connections().flatMap((c) => (c.username === undefined ? [] : [c.username]));
  return [...players, ...ctx.proxy.servers().map((s) => s.id), ...ctx.proxy.plugins().map((p) => p.id)];
}
