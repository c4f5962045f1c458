/**
 * __PLUGIN_ID__: an Infrarust plugin. It rewrites the server-list MOTD, adds a console command,
 * and reads its settings from `[plugins.__PLUGIN_ID__]` in infrarust.toml.
 * Edit it while the proxy runs with `npm start -- --dev`: it reloads on save.
 */
import { z } from 'zod';
import { definePlugin, EventPriority, legacyToComponent } from 'infrarust/sdk';

/** `[plugins.__PLUGIN_ID__]` settings; the defaults apply when the table is absent. */
const Settings = z.object({
  motd: z.string().default('§bHello from __PLUGIN_ID__'),
});

export default definePlugin({
  configSchema: Settings,
  setup(ctx) {
    ctx.events.on(
      'ProxyPing',
      function rewriteMotd(event) {
        event.response.description = legacyToComponent(ctx.config.motd);
      },
      { priority: EventPriority.LATE },
    );
    ctx.commands.register({
      name: '__PLUGIN_ID__',
      description: 'Says hello',
      execute(source) {
        source.reply(`Hello from ${ctx.id}`);
      },
    });
    ctx.log.info('ready');
  },
});
