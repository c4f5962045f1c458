/**
 * ip-filter: enforces `[ip_filter]` from infrarust.toml (at accept, before any byte is read) and
 * from each server file (after routing). Refused clients are closed without a word.
 */
import { continueVerdict, definePlugin, dropSilently, rejectVerdict } from '../../sdk/index.ts';
import { compileMatcher, createMatcherCache } from './matcher.ts';

/** Runs after other ConnectionHandshake listeners so that no later `allow()` can undo a refusal. */
const HANDSHAKE_PRIORITY = 248;

export default definePlugin({
  setup(ctx) {
    const matcherFor = createMatcherCache((err) =>
      ctx.log.error({ err }, 'an [ip_filter] section failed to compile; refusing every connection it covers (fail closed)'),
    );

    // Compiled here so that a broken global section stops setup (a critical plugin: the proxy
    // refuses to start). Without global rules no transport filter exists and accepts stay free.
    const global = ctx.proxy.config<object>('ip_filter');
    if (global !== undefined && !compileMatcher(global).open) {
      ctx.transport.register({
        id: 'ip-filter:global',
        priority: 0,
        onAccept: function ipFilterAccept(c) {
          const section = ctx.proxy.config<object>('ip_filter') ?? global;
          if (matcherFor(section).admits(c.remoteAddress)) return continueVerdict();
          ctx.log.debug({ remote: c.remoteAddress }, 'refused by the global ip_filter');
          return rejectVerdict('ip-filter');
        },
      });
    }

    // Server files hot-reload: look the section up on every handshake (a new object compiles once).
    ctx.events.on(
      'ConnectionHandshake',
      function ipFilterServer(e) {
        if (e.serverId === undefined) return undefined;
        const section = ctx.proxy.serverConfig<object>(e.serverId, 'ip_filter');
        if (section === undefined || matcherFor(section).admits(e.conn.remoteAddress)) return undefined;
        ctx.log.debug({ remote: e.conn.remoteAddress, server: e.serverId }, 'refused by the server ip_filter');
        return dropSilently();
      },
      { priority: HANDSHAKE_PRIORITY },
    );
  },
});
