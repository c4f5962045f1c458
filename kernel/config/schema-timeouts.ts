/**
 * Socket timing: the per-server `[timeouts]` block and the global TCP `[keepalive]` block.
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/duration.ts';

/**
 * Per-server `[timeouts]`. When the block is absent the server inherits the global
 * `connect_timeout`, so the schema leaves it undefined rather than filling in 5s.
 * `read`/`write` were never used by v2; they are kept for the relay's idle timeouts.
 */
export const TimeoutsSchema = z.strictObject({
  connect: positiveDuration().prefault('5s'),
  read: positiveDuration().prefault('30s'),
  write: positiveDuration().prefault('30s'),
});

export type TimeoutsConfig = z.output<typeof TimeoutsSchema>;

/** `[keepalive]`: TCP keepalive for client and backend sockets. */
export const KeepaliveSchema = z.strictObject({
  time: positiveDuration().prefault('30s'),
  interval: positiveDuration().prefault('10s'),
  retries: z.number().int().min(0).max(0xffff_ffff).default(3),
});

export type KeepaliveConfig = z.output<typeof KeepaliveSchema>;
