/**
 * `[web]`: the admin REST API and dashboard. Absent means off; present means the API is on.
 *
 * Key rules follow newer v2: a key shorter than 16 characters is refused on any bind, and an
 * API reachable from outside loopback must have a real key ("CHANGE-ME" counts as none). On
 * loopback without a key, the admin plugin generates an ephemeral one at startup.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { hostPort } from './schema-address.ts';
import type { HostPort } from '../../sdk/host-port.ts';

export const MIN_API_KEY_LENGTH = 16;
/** The placeholder the v2 wizard writes; treated as "no key". */
export const API_KEY_PLACEHOLDER = 'CHANGE-ME';

/**
 * `enable_webui` follows `enable_api` when unset, so `enable_api = false` alone turns both off.
 */
export const WebSchema = z
  .strictObject({
    enable_api: z.boolean().default(true),
    enable_webui: z.boolean().optional(),
    bind: hostPort({}).prefault('127.0.0.1:8080'),
    api_key: z.string().optional(),
    cors_origins: z.array(z.string().min(1)).default([]),
    rate_limit: z.strictObject({ requests_per_minute: z.number().int().min(1).default(60) }).prefault({}),
  })
  .transform(({ enable_webui, ...web }) => ({ ...web, enable_webui: enable_webui ?? web.enable_api }));

export type WebConfig = z.output<typeof WebSchema>;

/** True when the endpoint is only reachable from this machine. */
export function isLoopback({ host }: HostPort): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1';
}

/** True when `api_key` is set to something other than the placeholder. */
export function hasRealApiKey(key: string | undefined): key is string {
  return key !== undefined && key !== '' && key !== API_KEY_PLACEHOLDER;
}

/** The reason an API key setting is refused, or undefined when it is acceptable. */
export function apiKeyProblem(bind: HostPort, key: string | undefined): string | undefined {
  if (hasRealApiKey(key)) {
    return key.length < MIN_API_KEY_LENGTH
      ? `is too short (${key.length} characters); use at least ${MIN_API_KEY_LENGTH}`
      : undefined;
  }
  if (isLoopback(bind)) return undefined;
  return `is required because the admin API binds to a non-loopback address; set a key of at least ${MIN_API_KEY_LENGTH} characters or bind to 127.0.0.1`;
}
