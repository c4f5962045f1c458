/**
 * `[auth]` in infrarust.toml. This plugin owns the schema (plugin.json `sections`); the proxy
 * validates the file with it before anything starts. The whole table is optional: Mojang's
 * session server with a 5 s limit.
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/index.ts';

/** Mojang's `hasJoined` endpoint, the one vanilla servers call. */
export const MOJANG_HAS_JOINED = 'https://sessionserver.mojang.com/session/minecraft/hasJoined';
export const DEFAULT_TIMEOUT = '5s';

export const AuthSchema = z.strictObject({
  /** The `hasJoined` endpoint; another Yggdrasil server (ely.by, authlib-injector) by changing it. */
  session_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).default(MOJANG_HAS_JOINED),
  /** Limit for one `hasJoined` call, body included. */
  timeout: positiveDuration().prefault(DEFAULT_TIMEOUT),
  /** Send the player's address (`ip=`) so the session server checks it made the `join` call (vanilla's prevent-proxy-connections). */
  prevent_proxy_connections: z.boolean().default(false),
  /** UUID of unverified players: vanilla's offline UUID of the name, or the one the client sends. */
  offline_uuid: z.enum(['offline', 'client']).default('offline'),
});

export type AuthSettings = z.output<typeof AuthSchema>;
