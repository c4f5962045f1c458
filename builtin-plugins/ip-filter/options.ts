/**
 * The shape of an `[ip_filter]` section as the kernel resolves it (global and per server): CIDR
 * strings already parsed into `{ address, prefix, family }`. Plugins may not import the kernel,
 * so the shape is restated here and checked once per section object, when it is compiled.
 */
import { z } from 'zod';

/** One parsed CIDR range, as `net.BlockList.addSubnet` takes it. */
export const CidrShape = z.object({
  address: z.string().min(1),
  prefix: z.number().int().min(0).max(128),
  family: z.enum(['ipv4', 'ipv6']),
});

/** A resolved `[ip_filter]` section. Missing lists mean empty ones. */
export const IpFilterSection = z.object({
  whitelist: z.array(CidrShape).default([]),
  blacklist: z.array(CidrShape).default([]),
});

export type Cidr = z.output<typeof CidrShape>;
export type IpFilterRules = z.output<typeof IpFilterSection>;
