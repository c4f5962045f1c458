/**
 * `[ip_filter]`, in infrarust.toml (global) and in each server file: CIDR allow/deny lists, parsed
 * once at load. This plugin owns the schema (plugin.json `sections`/`serverSections`); the proxy
 * validates both files with it before anything starts. Semantics are the newer v2 ones: the
 * blacklist always applies; a non-empty whitelist additionally restricts to its ranges.
 */
import { z } from 'zod';
import { CidrSchema, type Cidr } from '../../sdk/index.ts';

export const IpFilterSchema = z.strictObject({
  whitelist: z.array(CidrSchema).default([]),
  blacklist: z.array(CidrSchema).default([]),
});

export type { Cidr };
export type IpFilterRules = z.output<typeof IpFilterSchema>;
