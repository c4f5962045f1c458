/**
 * `[server_manager]`: how a backend is started and stopped on demand, tagged by `type`.
 * Defaults follow v2: ready pattern `For help, type "help"`, 30s graceful shutdown, 60s start
 * timeout, 5s state polling; `shutdown_after` absent means never stop an idle server.
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/duration.ts';

const timing = {
  shutdown_after: positiveDuration().optional(),
  start_timeout: positiveDuration().prefault('60s'),
  poll_interval: positiveDuration().prefault('5s'),
};

const nonEmpty = z.string().min(1, { message: 'cannot be empty' });

/** `type = "local"`: a child process; `working_dir` is resolved against the server file's folder. */
export const LocalManagerSchema = z.strictObject({
  type: z.literal('local'),
  command: nonEmpty,
  working_dir: nonEmpty,
  args: z.array(z.string()).default([]),
  ready_pattern: z.string().default('For help, type "help"'),
  shutdown_timeout: positiveDuration().prefault('30s'),
  ...timing,
});

const panelShape = {
  api_url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  api_key: nonEmpty,
  server_id: nonEmpty,
  ...timing,
};

/** `type = "pterodactyl"`: the panel's client API (`/api/client/servers/{id}/power`). */
export const PterodactylManagerSchema = z.strictObject({ type: z.literal('pterodactyl'), ...panelShape });

/** `type = "crafty"`: Crafty Controller's v2 API. */
export const CraftyManagerSchema = z.strictObject({ type: z.literal('crafty'), ...panelShape });

export const ServerManagerSchema = z.discriminatedUnion('type', [
  LocalManagerSchema,
  PterodactylManagerSchema,
  CraftyManagerSchema,
]);

export type ServerManagerConfig = z.output<typeof ServerManagerSchema>;
