/**
 * v2's `provider` keys (`[ban] provider`, `[permissions] provider`): `"builtin"`, `"none"`, or
 * the id of the plugin that provides the feature instead. Shared so each section's schema says
 * it the same way.
 *
 * @example
 * import { z } from 'zod';
 * import { ProviderNameSchema } from 'infrarust/sdk';
 * const Section = z.strictObject({ provider: ProviderNameSchema.default('builtin') });
 */
import { z } from 'zod';

export const ProviderNameSchema = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().min(1, { message: 'must be "builtin", "none" or a plugin id' }));
