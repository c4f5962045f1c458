/**
 * The console plugin: the core operator commands, and an interactive terminal when the proxy's
 * stdin is a terminal (no terminal, no console: nothing reads stdin under a service manager).
 */
import { z } from 'zod';
import { definePlugin } from '../../sdk/index.ts';
import { coreCommands } from './core-commands.ts';
import { startTerminal } from './terminal.ts';

const Settings = z.object({
  /** Set false to keep the commands but never read the terminal. */
  interactive: z.boolean().default(true),
});

export default definePlugin({
  configSchema: Settings,
  setup(ctx) {
    for (const command of coreCommands(ctx)) ctx.commands.register(command);
    if (!ctx.config.interactive || process.stdin.isTTY !== true) return;
    const rl = startTerminal(ctx, process.stdin, process.stdout);
    ctx.signal.addEventListener('abort', () => rl.close(), { once: true });
  },
});
