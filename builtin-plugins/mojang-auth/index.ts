/**
 * mojang-auth: provides the `authenticator` service the kernel asks, in intercepted sessions
 * (`proxy_mode = "client_only"`), who a player is once the encryption handshake is done. It
 * calls the session server's `hasJoined` (`[auth] session_url`) within `[auth] timeout` and
 * answers with the profile (signed properties kept for forwarding) or a reason to kick with;
 * unverified players get their UUID from `[auth] offline_uuid`. Critical: an auth gate that
 * failed to load stops the proxy from starting rather than letting players in unchecked.
 */
import { definePlugin, type AuthRequest, type Authenticator } from '../../sdk/index.ts';
import { sessionClient } from './has-joined.ts';
import { AuthSchema, MOJANG_HAS_JOINED, type AuthSettings } from './options.ts';
import { dashedUuid, offlineUuid } from './uuid.ts';

export default definePlugin({
  sections: { auth: AuthSchema },
  setup(ctx) {
    // Validated with the whole file before startup; absent only outside a proxy (tests): defaults.
    const settings: AuthSettings = (ctx.sections.auth as AuthSettings | undefined) ?? AuthSchema.parse({});
    const server = new URL(settings.session_url).host;
    const client = sessionClient(settings, ctx.signal);
    const where = { server, timeoutMs: settings.timeout, preventProxy: settings.prevent_proxy_connections };
    if (settings.session_url === MOJANG_HAS_JOINED) ctx.log.debug(where, 'verifying players with Mojang');
    else ctx.log.info(where, `verifying players with the session server at ${server}`);

    const authenticator: Authenticator = {
      async authenticate(request: AuthRequest) {
        const { outcome, detail } = await client.hasJoined(request);
        if (outcome.ok) ctx.log.debug({ player: request.username, uuid: outcome.profile.uuid }, 'player verified');
        // The query (the server hash) stays out of the log: the host and the cause are enough.
        else ctx.log.info({ player: request.username, server, detail }, `authentication failed: ${outcome.reason}`);
        return outcome;
      },
      offlineUuid(username: string, clientUuid: string | undefined) {
        const fromClient = settings.offline_uuid === 'client' && clientUuid !== undefined ? dashedUuid(clientUuid) : undefined;
        return fromClient ?? offlineUuid(username);
      },
    };
    ctx.services.provide('authenticator', authenticator);
  },
});
