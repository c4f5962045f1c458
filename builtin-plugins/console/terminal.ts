/**
 * The interactive terminal: readline with history and tab completion, only when stdin is a
 * terminal. EOF (Ctrl-D, or stdin closed under a service manager) ends the console and nothing
 * else: no read loop keeps spinning on a closed stdin.
 *
 * On a terminal readline reads raw keys, so Ctrl-C arrives as a key, not as SIGINT: it is turned
 * into what the signal does (ctx.proxy.shutdown(): the first starts the graceful stop, the second
 * exits). Lines written to the output by anything else (the proxy's logs, other plugins) go above
 * the prompt, which is redrawn under them with what was being typed.
 */
import { clearScreenDown, createInterface, cursorTo, moveCursor, type Interface } from 'node:readline';
import type { PluginContext } from '../../sdk/index.ts';
import { stripLegacy } from '../../sdk/index.ts';
import { completeWord, parseLine } from './parse.ts';

type Write = NodeJS.WriteStream['write'];

/** A view of `output` whose writes go straight to the terminal (readline draws the prompt through it). */
function directView(output: NodeJS.WriteStream, write: Write): NodeJS.WriteStream {
  return new Proxy(output, {
    get(target, key) {
      if (key === 'write') return write;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function startTerminal(ctx: PluginContext<unknown>, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Interface {
  const previousWrite = Object.hasOwn(output, 'write') ? output.write : undefined;
  const write = output.write.bind(output) as Write;
  const keepsPromptBelow = output.isTTY === true;
  const screen = keepsPromptBelow ? directView(output, write) : output;
  const rl = createInterface({
    input,
    output: screen,
    prompt: '> ',
    historySize: 500,
    completer: (line: string) => completeWord(line, candidates(ctx, line)),
  });
  /** The prompt should be on screen (false while a command runs). */
  let wanted = false;
  /** The prompt and the typed line are on screen now. */
  let drawn = false;

  /** Back to the start of the prompt (it may span rows), and clear it. */
  const clearPrompt = (): void => {
    if (!drawn || !keepsPromptBelow) return;
    moveCursor(screen, 0, -rl.getCursorPos().rows);
    cursorTo(screen, 0);
    clearScreenDown(screen);
    drawn = false;
  };
  const showPrompt = (): void => {
    wanted = true;
    drawn = true;
    rl.prompt();
  };
  let ours: Write | undefined;
  if (keepsPromptBelow) {
    output.write = ours = function writeAbovePrompt(this: unknown, ...args: Parameters<Write>): boolean {
      clearPrompt();
      const ok = write(...args);
      const [chunk] = args;
      const lineEnded = (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString()).endsWith('\n');
      if (wanted && lineEnded) {
        // readline first moves up as many rows as the cursor was down in the old prompt: give
        // it those rows, so it lands here, under the new text.
        const rows = rl.getCursorPos().rows;
        if (rows > 0) write('\n'.repeat(rows));
        rl.prompt(true);
        drawn = true;
      }
      return ok;
    } as Write;
  }

  const source = { reply: (text: string) => void output.write(`${stripLegacy(text)}\n`), hasPermission: () => true };
  rl.on('line', (line) => {
    wanted = false;
    drawn = false; // readline moved to a fresh line
    const [name, ...args] = parseLine(line);
    if (name === undefined) return showPrompt();
    void ctx.commands.run(name, source, args).then((found) => {
      if (!found) source.reply(`unknown command "${name}"; try help`);
      showPrompt();
    });
  });
  rl.on('SIGINT', function ctrlC() {
    ctx.proxy.shutdown();
  });
  rl.once('close', () => {
    wanted = false;
    clearPrompt(); // what is written after the console closed must not follow a dead prompt
    if (ours !== undefined && output.write === ours) {
      if (previousWrite === undefined) delete (output as Partial<NodeJS.WriteStream>).write;
      else output.write = previousWrite;
    }
    ctx.log.debug('console input closed');
  });
  showPrompt();
  return rl;
}

function candidates(ctx: PluginContext<unknown>, line: string): string[] {
  const words = parseLine(line);
  const completingFirst = words.length === 0 || (words.length === 1 && !/\s$/.test(line));
  if (completingFirst) return ctx.commands.list().flatMap((c) => [c.name, ...c.aliases]);
  const players = ctx.proxy.connections().flatMap((c) => (c.username === undefined ? [] : [c.username]));
  return [...players, ...ctx.proxy.servers().map((s) => s.id), ...ctx.proxy.plugins().map((p) => p.id)];
}
