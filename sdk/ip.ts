/**
 * IP address parsing shared by the security plugins (IP filter, rate limit, bans): IPv4 as an
 * unsigned 32-bit number, IPv6 as a 128-bit bigint. An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`, what a dual-stack listener reports for
 * an IPv4 client) is returned as the IPv4 address it carries, so IPv4 rules match it.
 */
import { isIPv4, isIPv6 } from 'node:net';

export type ParsedIp = { readonly family: 4; readonly value: number } | { readonly family: 6; readonly value: bigint };

const MAPPED_TAG = 0xffffn;

/** Addresses remembered by parseIp: two generations of this many, so memory stays bounded. */
const CACHE_GENERATION = 4096;
let recent = new Map<string, ParsedIp | undefined>();
let older = new Map<string, ParsedIp | undefined>();

/**
 * Parses an address (brackets and a `%zone` suffix allowed); undefined when it is not an IP.
 * Results are frozen and remembered per text (a bounded cache shared by every plugin), so the
 * filter, the rate limit and the ban list together parse a client's address once.
 * @example parseIp('::ffff:10.0.0.1') // { family: 4, value: 167772161 }
 */
export function parseIp(text: string): ParsedIp | undefined {
  const hit = recent.get(text);
  if (hit !== undefined || recent.has(text)) return hit;
  const parsed = older.has(text) ? older.get(text) : parseUncached(text);
  if (recent.size >= CACHE_GENERATION) {
    older = recent;
    recent = new Map();
  }
  recent.set(text, parsed);
  return parsed;
}

function parseUncached(text: string): ParsedIp | undefined {
  let s = text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (isIPv4(s)) return Object.freeze({ family: 4, value: ipv4ToNumber(s) });
  if (!isIPv6(s)) return undefined;
  const value = ipv6ToBigInt(s);
  if (value >> 32n === MAPPED_TAG) return Object.freeze({ family: 4, value: Number(value & 0xffff_ffffn) });
  return Object.freeze({ family: 6, value });
}

/** `a.b.c.d` (already validated) → 0 … 2^32-1. */
export function ipv4ToNumber(s: string): number {
  const p = s.split('.');
  return ((Number(p[0]) << 24) | (Number(p[1]) << 16) | (Number(p[2]) << 8) | Number(p[3])) >>> 0;
}

/** A validated IPv6 text (`::` and a dotted IPv4 tail allowed) → its 128-bit value. */
export function ipv6ToBigInt(s: string): bigint {
  let value = 0n;
  for (const group of ipv6Groups(s)) value = (value << 16n) | BigInt(group);
  return value;
}

/** The eight 16-bit groups of a validated IPv6 text. */
export function ipv6Groups(text: string): number[] {
  let s = text;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) > 0) {
    const v4 = ipv4ToNumber(s.slice(lastColon + 1));
    s = `${s.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const gap = s.indexOf('::');
  const head = gap < 0 ? s.split(':') : splitGroups(s.slice(0, gap));
  const tail = gap < 0 ? [] : splitGroups(s.slice(gap + 2));
  const zeros = new Array<string>(8 - head.length - tail.length).fill('0');
  return [...head, ...zeros, ...tail].map((g) => parseInt(g, 16));
}

function splitGroups(s: string): string[] {
  return s === '' ? [] : s.split(':');
}

/** /64 keys per parsed address (parsed addresses are cached, so the same object comes back). */
const v6Keys = new WeakMap<ParsedIp, string>();

/**
 * The key a client is counted or limited under: its IPv4 address (also when it arrives
 * IPv4-mapped, as `::ffff:1.2.3.4` on a dual-stack listener), or its IPv6 /64 — one subscriber
 * usually owns a whole /64, so per-address keys would let a single host rotate through 2^64
 * budgets. IPv4 keys are the address as a number (hashed faster than text); text that is not an
 * address is its own key. Used by the kernel's per-address cap and the rate-limit plugin.
 * @example clientKey('2001:db8:1:2::5') === clientKey('2001:db8:1:2:ffff::1') // '2001:db8:1:2::/64'
 */
export function clientKey(address: string): string | number {
  const ip = parseIp(address);
  if (ip === undefined) return address;
  if (ip.family === 4) return ip.value;
  let key = v6Keys.get(ip);
  if (key === undefined) v6Keys.set(ip, (key = prefix64(ip.value)));
  return key;
}

function prefix64(value: bigint): string {
  const group = (shift: bigint): string => Number((value >> shift) & 0xffffn).toString(16);
  return `${group(112n)}:${group(96n)}:${group(80n)}:${group(64n)}::/64`;
}
