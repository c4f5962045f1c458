/**
 * Schemas for the strings that name things on the network or in the registry: listener and
 * backend addresses, routed domains, server names and network groups.
 */
import { z } from 'zod';
import { hostPortSchema, parseHostPort, type HostPortOptions } from '../../sdk/host-port.ts';

/** Minecraft's default port, used when an address has none. */
export const DEFAULT_MC_PORT = 25565;

/** A `host[:port]` string parsed into `{ host, port }` (the sdk's schema, which plugins use too). */
export const hostPort = (options: HostPortOptions) => hostPortSchema(options);

/** The proxy listener address (`bind`); port 0 is allowed so tests can ask for an ephemeral port. */
export const bindAddress = () => hostPort({ defaultPort: DEFAULT_MC_PORT, allowPortZero: true });

const WEIGHT = z.number().int().min(0).max(0xffff_ffff);

/** `$1`..`$9` in a backend host: the domain pattern's `*` captures (kernel/routing/captures.ts). */
export const CAPTURE_REF = /\$([1-9])/g;

/**
 * A backend `host[:port]` whose host may hold `$1`..`$9` (wildcard captures, substituted at
 * route time). The host is validated with each `$n` read as a letter; the port must be literal.
 */
function backendHostPort() {
  return z.string().transform((text, ctx) => {
    try {
      if (!text.includes('$')) return parseHostPort(text, { defaultPort: DEFAULT_MC_PORT });
      const probe = parseHostPort(text.replace(CAPTURE_REF, 'x'), { defaultPort: DEFAULT_MC_PORT });
      if (text.replace(CAPTURE_REF, '').includes('$')) throw new RangeError(`"${text}": only $1 to $9 may be used, in the host`);
      const colon = text.lastIndexOf(':');
      const host = colon < 0 || text.startsWith('[') ? text.trim() : text.slice(0, colon).trim();
      if (host.replace(CAPTURE_REF, 'x') !== probe.host) throw new RangeError(`"${text}": captures ($1 to $9) may only be used in the host`);
      return { host, port: probe.port };
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message, input: text });
      return z.NEVER;
    }
  });
}

/**
 * One backend address: `"host:port"` (weight 1) or `{ address = "host:port", weight = 3 }` (the
 * newer load-balancing form). Both come out as `{ host, port, weight }`. The host may hold
 * wildcard captures (`"$1.internal:25565"`).
 */
export const BackendAddressSchema = z.union(
  [
    backendHostPort().transform((hp) => ({ ...hp, weight: 1 })),
    z
      .strictObject({ address: backendHostPort(), weight: WEIGHT.default(1) })
      .transform(({ address, weight }) => ({ ...address, weight })),
  ],
  { error: 'expected "host[:port]" or { address = "host:port", weight = 1 }' },
);

/** A backend address as used by the proxy. */
export type BackendAddress = z.output<typeof BackendAddressSchema>;

const DOMAIN_CHARS = /^[a-z0-9_.*?-]+$/;

/**
 * A routed domain: trimmed, lower-cased, trailing dot removed (the router strips it from the
 * handshake too, so "mc.example.com." would otherwise never match). `*` and `?` are wildcards.
 */
export const DomainSchema = z.string().transform((raw, ctx) => {
  const domain = raw.trim().toLowerCase().replace(/\.$/, '');
  const fail = (message: string) => {
    ctx.addIssue({ code: 'custom', message, input: raw });
    return z.NEVER;
  };
  if (domain === '') return fail('a domain cannot be empty');
  if (domain.includes(':')) return fail(`"${raw}" looks like an address: a domain has no port`);
  if (!DOMAIN_CHARS.test(domain)) {
    return fail(`"${raw}" is not a valid domain (letters, digits, "-", "_", "." and the wildcards "*" and "?")`);
  }
  return domain;
});

/** `name` and `network`: the identifiers commands and plugins use, as v2 validates them. */
export const IdentifierSchema = z
  .string()
  .regex(/^[a-z0-9_-]{1,64}$/, { message: 'must be 1-64 characters of a-z, 0-9, "_" or "-"' });
