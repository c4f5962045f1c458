/**
 * ip-filter: enforces `[ip_filter]` from infrarust.toml (at accept, before any byte is read) and
 * from each server file (after routing). Refused clients are closed without a word.
 */
import { continueVerdict, definePlugin, dropSilently, rejectVerdict } from '../../sdk/index.ts';
import { compileMatcher, createMatcherCache } from './matcher.ts';
import { IpFilterSchema, type IpFilterRules } from './options.ts';

/** Runs after other ConnectionHandshake listeners so that no later `allow()` can undo a refusal. */
const HANDSHAKE_PRIORITY = 248;

export default definePlugin({
  sections: { ip_filter: IpFilterSchema },
  serverSections: { ip_filter: IpFilterSchema },
  setup(ctx) {
    const matcherFor = createMatcherCache((err) =>
      ctx.log.error({ err }, 'an [ip_filter] section failed to compile; refusing every connection it covers (fail closed)'),
    );

    // Compiled here so that a broken global section stops setup (a critical plugin: the proxy
    // refuses to start). infrarust.toml is read once at startup, so the matcher is fixed for the
    // process. Without global rules no transport filter exists and accepts stay free.
    const global = ctx.sections.ip_filter as IpFilterRules | undefined; // undefined only outside a proxy (tests)
    const globalMatcher = global === undefined ? undefined : compileMatcher(global);
    if (globalMatcher !== undefined && !globalMatcher.open) {
      ctx.transport.register({
        id: 'ip-filter:global',
        priority: 0,
        onAccept: function ipFilterAccept(c) {
          if (globalMatcher.admits(c.remoteAddress)) return continueVerdict();
          ctx.log.debug({ remote: c.remoteAddress }, 'refused by the global ip_filter');
          return rejectVerdict('ip-filter');
        },
      });
    }

    // Server files hot-reload: whether any server has rules is worked out again on every
    // ConfigReload (fired synchronously as the kernel swaps the server set, before the next
    // connection is read), and each handshake looks its server's current section up.
    const anyServerRules = (): boolean =>
      ctx.proxy.servers().some((s) => {
        const section = ctx.serverSection(s.id, 'ip_filter');
        return section !== undefined && !matcherFor(section).open;
      });
    let serverRules = anyServerRules();
    ctx.events.on('ConfigReload', function ipFilterServersChanged() {
      serverRules = anyServerRules();
    });
    ctx.events.on(
      'ConnectionHandshake',
      function ipFilterServer(e) {
        if (!serverRules || e.serverId === undefined) return undefined;
        const section = ctx.serverSection(e.serverId, 'ip_filter');
        if (section === undefined || matcherFor(section).admits(e.conn.remoteAddress)) return undefined;
        ctx.log.debug({ remote: e.conn.remoteAddress, server: e.serverId }, 'refused by the server ip_filter');
        return dropSilently();
      },
      { priority: HANDSHAKE_PRIORITY },
    );
  },
});
