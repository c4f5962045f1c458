/**
 * `[ip_filter]` (global and per server): CIDR allow/deny lists.
 *
 * Ranges are parsed here, once, into the shape `net.BlockList.addSubnet(address, prefix, family)`
 * takes, so the filter on the accept path only looks addresses up. A bare IP means /32 or /128,
 * as in v2.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** A parsed CIDR range. */
export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Parses "10.0.0.0/8", "2001:db8::/32", "192.168.1.5" or "[::1]/128". Throws a RangeError. */
export function parseCidr(text: string): Cidr {
  const source = text.trim();
  const slash = source.indexOf('/');
  const address = (slash < 0 ? source : source.slice(0, slash)).replace(/^\[(.*)\]$/, '$1');
  const version = isIP(address);
  if (version === 0) throw new RangeError(`"${text}" is not an IP address or CIDR range`);
  const max = version === 4 ? 32 : 128;
  const prefixText = slash < 0 ? String(max) : source.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    throw new RangeError(`"${text}" has an invalid prefix length (0-${max})`);
  }
  return { address, prefix: Number(prefixText), family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** One CIDR list entry. */
export const CidrSchema = z.string().transform((text, ctx) => {
  try {
    return parseCidr(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message, input: text });
    return z.NEVER;
  }
});

/**
 * The filter. Semantics are the newer v2 ones: the blacklist always applies; a non-empty
 * whitelist additionally restricts to its ranges.
 */
export const IpFilterSchema = z.strictObject({
  whitelist: z.array(CidrSchema).default([]),
  blacklist: z.array(CidrSchema).default([]),
});

export type IpFilterConfig = z.output<typeof IpFilterSchema>;
