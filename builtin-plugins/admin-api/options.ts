/**
 * `[web]`: the admin REST API and dashboard. This plugin owns the schema (plugin.json
 * `sections`); the proxy validates infrarust.toml with it before anything starts. Absent means
 * off (the schema is optional, so an absent table stays undefined).
 *
 * Key rules follow newer v2: a key shorter than 16 characters is refused on any bind, and an
 * API reachable from outside loopback must have a real key ("CHANGE-ME" counts as none). On
 * loopback without a key, the plugin generates one at startup (api-key.ts).
 */
import { z } from 'zod';
import { hostPortSchema } from 'infrarust/sdk';
import { keyProblem } from './api-key.ts';

/** `enable_webui` follows `enable_api` when unset, so `enable_api = false` alone turns both off. */
export const WebSchema = z
  .strictObject({
    enable_api: z.boolean().default(true),
    enable_webui: z.boolean().optional(),
    bind: hostPortSchema({}).prefault('127.0.0.1:8080'),
    api_key: z.string().optional(),
    cors_origins: z.array(z.string().min(1)).default([]),
    rate_limit: z.strictObject({ requests_per_minute: z.number().int().min(1).default(60) }).prefault({}),
  })
  .superRefine((web, ctx) => {
    if (!web.enable_api && web.enable_webui === true) {
      ctx.addIssue({ code: 'custom', path: ['enable_webui'], message: 'requires enable_api = true: the dashboard is served by the admin API' });
    }
    const problem = web.enable_api ? keyProblem(web.bind.host, web.api_key) : undefined;
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['api_key'], message: problem.replace(/^\[web\] api_key /, '') });
  })
  .transform(({ enable_webui, ...web }) => ({ ...web, enable_webui: enable_webui ?? web.enable_api }));

export type WebSection = z.output<typeof WebSchema>;
