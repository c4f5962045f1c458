/**
 * `[server_manager]` in a server file: how its backend is started and stopped on demand, tagged by
 * `type`. This plugin owns the section (plugin.json `serverSections`); the proxy composes the
 * schema into the server file's, so a mistake is reported with file:line:key before anything
 * starts. Defaults follow v2: ready pattern `For help, type "help"`, 30s graceful shutdown, 60s
 * start timeout, 5s state polling; `shutdown_after` absent means never stop an idle server.
 * A relative `working_dir` is resolved against servers_dir (the server file's folder).
 */
import { z } from 'zod';
import { positiveDuration } from '../../sdk/index.ts';

const timing = {
  shutdown_after: positiveDuration().optional(),
  start_timeout: positiveDuration().prefault('60s'),
  poll_interval: positiveDuration().prefault('5s'),
};

const nonEmpty = z.string().min(1, { message: 'cannot be empty' });

/** `type = "local"`: a child process, run under a small supervisor that outlives a killed proxy only to stop it. */
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

const DOCKER_HOST = /^(unix:\/\/\/.+|tcp:\/\/[^/]+)$/;

/**
 * `type = "docker"`: a container, by name or id, through the Docker Engine API (the unix socket
 * `unix:///var/run/docker.sock` by default, or `tcp://host:port`). Stopped containers are
 * started, paused ones unpaused; a stop gives the container `shutdown_timeout` before Docker kills it.
 */
export const DockerManagerSchema = z.strictObject({
  type: z.literal('docker'),
  container: nonEmpty,
  docker_host: z.string().regex(DOCKER_HOST, { message: 'must be unix:///path/to/docker.sock or tcp://host:port' }).default('unix:///var/run/docker.sock'),
  shutdown_timeout: positiveDuration().prefault('30s'),
  ...timing,
});

export const ServerManagerSchema = z.discriminatedUnion('type', [LocalManagerSchema, PterodactylManagerSchema, CraftyManagerSchema, DockerManagerSchema]);

export type ServerManagerConfig = z.output<typeof ServerManagerSchema>;
export type LocalManagerConfig = z.output<typeof LocalManagerSchema>;
export type PanelManagerConfig = z.output<typeof PterodactylManagerSchema> | z.output<typeof CraftyManagerSchema>;
export type DockerManagerConfig = z.output<typeof DockerManagerSchema>;

/**
 * The section as the proxy composes it: an absent section reaches plugin schemas as `{}`, which
 * here means "not managed" (so an empty `[server_manager]` table is the same as none).
 */
export const ServerManagerSection = z.preprocess(
  (value) => (typeof value === 'object' && value !== null && Object.keys(value).length === 0 ? undefined : value),
  ServerManagerSchema.optional(),
);
