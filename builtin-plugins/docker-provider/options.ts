/**
 * `[docker]` in infrarust.toml (v2's keys): discover servers from container labels. The table's
 * presence turns the provider on, so the schema is optional: an absent table resolves to
 * undefined, not to the defaults.
 */
import { z } from 'zod';
import { positiveDuration } from 'infrarust/sdk';

/** `unix:///path`, `tcp://host:port` or `http://host:port` (`tcp://` is plain HTTP, as the Docker CLI reads it). */
const ENDPOINT = /^(unix:\/\/\/?.+|(tcp|http):\/\/[^/\s]+\/?)$/;

export const DockerSchema = z
  .strictObject({
    endpoint: z
      .string()
      .regex(ENDPOINT, { message: 'must be unix:///path/to/docker.sock or tcp://host:port' })
      .default('unix:///var/run/docker.sock'),
    /** Preferred network for container addresses (a container's `infrarust.network` label wins). */
    network: z.string().min(1).optional(),
    /** v2 keeps it unused (event-driven); here: a full rescan every interval while the events stream is up, a safety net. */
    poll_interval: positiveDuration().prefault('30s'),
    /** First wait before reconnecting; doubled per failure, capped at 60 s. */
    reconnect_delay: positiveDuration().prefault('5s'),
  })
  .optional();

export type DockerSettings = z.output<typeof DockerSchema>;

/** Where the Engine API is: a unix socket path, or a TCP host and port. */
export type DockerEndpoint = { readonly socketPath: string } | { readonly host: string; readonly port: number };

/** Parses a validated `endpoint`. @example parseEndpoint('tcp://127.0.0.1:2375') // { host: '127.0.0.1', port: 2375 } */
export function parseEndpoint(endpoint: string): DockerEndpoint {
  if (endpoint.startsWith('unix://')) return { socketPath: endpoint.slice('unix://'.length).replace(/^\/\//, '/') };
  const url = new URL(endpoint.replace(/^tcp:/, 'http:'));
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port === '' ? 2375 : Number(url.port) };
}
