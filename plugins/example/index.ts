/**
 * The example plugin: one registration per layer, none of which changes what players see, so it
 * can stay loaded. Read it next to docs/plugins.md.
 */
import { z } from 'zod';
import { definePlugin, EventPriority, accept, continueVerdict, passPacket } from 'infrarust/sdk';
import { Stats } from './stats.ts';

const Settings = z.object({
  /** Log every connection's domain at info level (debug otherwise). */
  verbose: z.boolean().default(false),
});

export default definePlugin({
  configSchema: Settings,
  setup(ctx) {
    const stats = new Stats();
    const level = ctx.config.verbose ? 'info' : 'debug';

    // Layer 1, TransportFilter: sees every connection, passthrough included. Only accept/close
    // hooks here: data hooks would put every relayed byte through JavaScript.
    ctx.transport.register({
      id: 'example:count',
      onAccept: () => (stats.accepted++, continueVerdict()),
      onClose: () => void stats.closed++,
    });

    // Layer 2, CodecFilter: one instance per connection side, used by intercepted modes.
    ctx.codec.register({
      id: 'example:packets',
      create: () => ({ filter: () => (stats.packets++, passPacket()) }),
    });

    // Layer 3, EventBus: observe, never decide.
    ctx.events.on('ConnectionHandshake', (e) => void ctx.log[level]({ domain: e.domain, intent: e.intent }, 'handshake'), { priority: EventPriority.LAST });
    ctx.events.on('ServerConnected', function countLogin(e) {
      stats.logins++;
      ctx.log[level]({ player: e.player.username, server: e.serverId }, 'player connected');
    });

    // Layer 4, LimboHandler: used only by servers that list "example-pass" in limbo_handlers.
    ctx.limbo.register({ name: 'example-pass', onPlayerEnter: () => accept() });

    ctx.commands.register({
      name: 'example',
      description: 'Shows what the example plugin counted',
      execute: (source) => source.reply(stats.describe()),
    });
  },
});
