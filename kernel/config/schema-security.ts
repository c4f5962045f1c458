/**
 * Access-control sections of `infrarust.toml` that no plugin implements yet: `[permissions]`,
 * `[auth]`. The kernel validates them until their plugins exist and take them over (as
 * rate-limit, ban and ip-filter did: sections.ts).
 */
import { z } from 'zod';
import { ProviderNameSchema } from '../../sdk/provider.ts';

/** `[permissions]`: admins (UUIDs or names), `/ir` subcommands opened to players, provider. */
export const PermissionsSchema = z.strictObject({
  provider: ProviderNameSchema.default('builtin'),
  admins: z.array(z.string().min(1)).default([]),
  player_commands: z.array(z.string().min(1)).default([]),
  trust_offline_admins: z.boolean().default(false),
});

/** `[auth]` (newer v2): the hasJoined endpoint and the UUID policy for unverified players. */
export const AuthSchema = z.strictObject({
  session_url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('https://sessionserver.mojang.com/session/minecraft/hasJoined'),
  offline_uuid: z.enum(['offline', 'client']).default('offline'),
});
