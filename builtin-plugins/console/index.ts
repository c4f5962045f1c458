/**
 * The console plugin: the core operator commands, and an interactive terminal when the proxy's
 * stdin is a terminal (no terminal, no console: nothing reads stdin under a service manager).
 */
import { z } from 'zod';
import { definePlugin, type PluginContext } from '../../sdk/index.ts';
import { coreCommands } from './core-commands.ts';
import { startTerminal } from './terminal.ts';

const Settings = z.object({
  /** Set false to keep the commands but never read the terminal. */
  interactive: z.boolean().default(true),
});

function openTerminal(ctx: PluginContext<unknown>): void {
  if (ctx.signal.aborted) return;
  const rl = startTerminal(ctx, process.stdin, process.stdout);
  ctx.signal.addEventListener('abort', () => rl.close(), { once: true });
}

export default definePlugin({
  configSchema: Settings,
  setup(ctx) {
    for (const command of coreCommands(ctx)) ctx.commands.register(command);
    if (!ctx.config.interactive || process.stdin.isTTY !== true) return;
    // The prompt comes once startup is done (ProxyInitialize), not among the startup logs; until
    // then the terminal is left alone, so Ctrl-C is a plain SIGINT. A reload (--dev) comes after
    // startup (this plugin's previous version is the one still listed as loaded): open once the
    // previous version has closed its terminal, which the host does right after this setup.
    const reloading = ctx.proxy.plugins().some((p) => p.id === ctx.id && p.state === 'loaded');
    if (reloading) ctx.scheduler.delay(0, function reopenConsole() { openTerminal(ctx); });
    else ctx.events.on('ProxyInitialize', function openConsole() { openTerminal(ctx); });
  },
});
