/**
 * Status presentation: `[motd.<state>]` per server, `[default_motd.<state>]` globally, and the
 * `[status_cache]` that bounds how often backends are pinged.
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/duration.ts';

/** The server states a MOTD can be configured for. */
export const MOTD_STATES = ['online', 'offline', 'sleeping', 'starting', 'crashed', 'stopping', 'unreachable'] as const;
export type MotdState = (typeof MOTD_STATES)[number];

const U32 = z.number().int().min(0).max(0xffff_ffff);

/**
 * One MOTD. `favicon` is written as a file path (relative to the config file), a `data:` URI or
 * raw base64; the loader turns all three into a `data:image/png;base64,` URI.
 * `version_protocol` (-1 shows the red X on the ping bars) came with upstream PR #77.
 */
export const MotdEntrySchema = z.strictObject({
  text: z.string(),
  favicon: z.string().min(1, { message: 'cannot be empty (remove the key instead)' }).optional(),
  version_name: z.string().optional(),
  version_protocol: z.number().int().min(-0x8000_0000).max(0x7fff_ffff).optional(),
  max_players: U32.optional(),
});

export type MotdEntry = z.output<typeof MotdEntrySchema>;

/** A MOTD per state; every state is optional. */
export const MotdConfigSchema = z.strictObject({
  online: MotdEntrySchema.optional(),
  offline: MotdEntrySchema.optional(),
  sleeping: MotdEntrySchema.optional(),
  starting: MotdEntrySchema.optional(),
  crashed: MotdEntrySchema.optional(),
  stopping: MotdEntrySchema.optional(),
  unreachable: MotdEntrySchema.optional(),
});

export type MotdConfig = z.output<typeof MotdConfigSchema>;

/** `[status_cache]`. `max_entries` is parsed (v2 never enforced it); the status cache may. */
export const StatusCacheSchema = z.strictObject({
  ttl: positiveDuration().prefault('5s'),
  max_entries: z.number().int().min(1).default(1000),
});
