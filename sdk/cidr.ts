/**
 * CIDR ranges as config files write them ("10.0.0.0/8", "2001:db8::/32", a bare IP = /32 or
 * /128, "[::1]/128"), parsed once at load into the shape `net.BlockList.addSubnet` takes.
 * Shared by the kernel (`trusted_proxies`) and plugins (`[ip_filter]`).
 *
 * @example
 * import { z } from 'zod';
 * import { CidrSchema } from 'infrarust/sdk';
 * const Section = z.strictObject({ allow: z.array(CidrSchema).default([]) });
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** A parsed CIDR range. */
export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Parses one range; throws a RangeError that says what is wrong. @example parseCidr('10.0.0.0/8') */
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

/** One CIDR list entry in a config file: a string in, a `Cidr` out, a clear message on error. */
export const CidrSchema = z.string().transform((text, ctx) => {
  try {
    return parseCidr(text);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message, input: text });
    return z.NEVER;
  }
});
