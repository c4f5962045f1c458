/**
 * Access-control sections of `infrarust.toml` that no plugin implements yet: `[permissions]`.
 * The kernel validates it until its plugin exists and takes it over (as rate-limit, ban,
 * ip-filter and mojang-auth's `[auth]` did: sections.ts).
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
