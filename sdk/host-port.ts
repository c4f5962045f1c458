/**
 * `host[:port]` parsing shared by backend addresses, the listener `bind` and `[web].bind`.
 *
 * Infrarust v2 splits on the last ':' and defaults the port to 25565. We do the same, but also
 * understand bracketed IPv6 (`[::1]:25565`) and refuse an unbracketed IPv6 with a port, which v2
 * would silently misread as host "::" port 1.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/** A resolved network endpoint. IPv6 hosts are stored without brackets, ready for `net.connect`. */
export interface HostPort {
  host: string;
  port: number;
}

export interface HostPortOptions {
  /** Port used when the text has none; when undefined a port is required. */
  defaultPort?: number;
  /** Allow port 0 (an ephemeral listener port); backends need a real port. */
  allowPortZero?: boolean;
}

const HOSTNAME = /^(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/;

/** True for an IP literal or a syntactically valid DNS name. */
export function isValidHost(host: string): boolean {
  return isIP(host) !== 0 || HOSTNAME.test(host);
}

function parsePort(text: string, options: HostPortOptions): number {
  const min = options.allowPortZero ? 0 : 1;
  if (!/^\d{1,5}$/.test(text) || Number(text) < min || Number(text) > 65535) {
    throw new RangeError(`port "${text}" must be a number from ${min} to 65535`);
  }
  return Number(text);
}

function withDefaultPort(host: string, options: HostPortOptions): HostPort {
  if (options.defaultPort === undefined) throw new RangeError(`"${host}" has no port (write ${host.includes(':') ? `[${host}]` : host}:25565)`);
  return { host, port: options.defaultPort };
}

function parseBracketed(text: string, options: HostPortOptions): HostPort {
  const close = text.indexOf(']');
  if (close < 0) throw new RangeError(`"${text}" is missing the closing "]" of an IPv6 address`);
  const host = text.slice(1, close);
  if (isIP(host) !== 6) throw new RangeError(`"${host}" is not a valid IPv6 address`);
  const rest = text.slice(close + 1);
  if (rest === '') return withDefaultPort(host, options);
  if (!rest.startsWith(':')) throw new RangeError(`expected ":port" after "[${host}]"`);
  return { host, port: parsePort(rest.slice(1), options) };
}

/**
 * Parses `host`, `host:port`, `[ipv6]`, `[ipv6]:port` or a bare IPv6 literal.
 * Throws a RangeError whose message can be shown to the user as is.
 *
 * @example parseHostPort('[::1]:25566', { defaultPort: 25565 }) // { host: '::1', port: 25566 }
 */
export function parseHostPort(text: string, options: HostPortOptions = {}): HostPort {
  const source = text.trim();
  if (source === '') throw new RangeError('an address cannot be empty');
  if (/\s/.test(source)) throw new RangeError(`"${source}" contains whitespace`);
  if (source.startsWith('[')) return parseBracketed(source, options);
  if (isIP(source) === 6) return withDefaultPort(source, options);
  const colon = source.lastIndexOf(':');
  const host = colon < 0 ? source : source.slice(0, colon);
  if (host.includes(':')) {
    throw new RangeError(`IPv6 addresses need brackets when a port follows, e.g. "[::1]:25565"`);
  }
  if (!isValidHost(host)) throw new RangeError(`"${host}" is not a valid host name or IP address`);
  if (colon < 0) return withDefaultPort(host, options);
  return { host, port: parsePort(source.slice(colon + 1), options) };
}

/** Formats an endpoint back to text, bracketing IPv6. */
export function formatHostPort({ host, port }: HostPort): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/**
 * A `host[:port]` config value: a string in, a {@link HostPort} out, a clear message on error
 * (for plugins' section schemas). @example z.strictObject({ bind: hostPortSchema().prefault('127.0.0.1:8080') })
 */
export function hostPortSchema(options: HostPortOptions = {}) {
  return z.string().transform((text, ctx) => {
    try {
      return parseHostPort(text, options);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message, input: text });
      return z.NEVER;
    }
  });
}
