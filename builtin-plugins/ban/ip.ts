/**
 * IP addresses and CIDR ranges as bigints, so one comparison covers v4 and v6. IPv4-mapped IPv6
 * (`::ffff:1.2.3.4`, what a dual-stack socket reports for a v4 peer) is folded into plain v4, and
 * so is a mapped range (`::ffff:10.0.0.0/104` is `10.0.0.0/8`).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ipv4ToNumber, ipv6ToBigInt, parseIp as parseSharedIp } from '../../sdk/ip.ts';

export interface Ip {
  readonly v: 4 | 6;
  readonly value: bigint;
}

export interface Cidr {
  readonly v: 4 | 6;
  readonly network: bigint;
  readonly prefix: number;
}

const bits = (v: 4 | 6): number => (v === 4 ? 32 : 128);

function v4ToBigint(text: string): bigint {
  return BigInt(ipv4ToNumber(text));
}

/**
 * Parses an address (brackets and a zone id are dropped); a v4-mapped v6 address becomes v4.
 * Undefined if invalid. The sdk's shared parser does the work (and caches it).
 */
export function parseIp(text: string): Ip | undefined {
  const parsed = parseSharedIp(text.trim());
  if (parsed === undefined) return undefined;
  return parsed.family === 4 ? { v: 4, value: BigInt(parsed.value) } : { v: 6, value: parsed.value };
}

/** Parses `addr/prefix` (the network part is truncated to the prefix); undefined if invalid. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const prefixText = text.slice(slash + 1).trim();
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const addrText = text.slice(0, slash).trim().replace(/%.*$/, '');
  let prefix = Number(prefixText);
  let ip: Ip | undefined;
  if (isIPv4(addrText)) ip = { v: 4, value: v4ToBigint(addrText) };
  else if (isIPv6(addrText)) ip = { v: 6, value: ipv6ToBigInt(addrText) };
  if (ip === undefined || prefix > bits(ip.v)) return undefined;
  if (ip.v === 6 && prefix >= 96 && ip.value >> 32n === 0xffffn) {
    ip = { v: 4, value: ip.value & 0xffffffffn };
    prefix -= 96;
  }
  return { v: ip.v, network: truncate(ip.value, ip.v, prefix), prefix };
}

export function truncate(value: bigint, v: 4 | 6, prefix: number): bigint {
  const host = BigInt(bits(v) - prefix);
  return (value >> host) << host;
}

export function cidrContains(range: Cidr, ip: Ip): boolean {
  return range.v === ip.v && truncate(ip.value, ip.v, range.prefix) === range.network;
}

/** Canonical text: dotted v4, or RFC 5952 v6 (lowercase, longest zero run compressed). */
export function formatIp(ip: Ip): string {
  if (ip.v === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.value >> BigInt(112 - i * 16)) & 0xffffn));
  let best = { at: -1, len: 1 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.at < 0) return hex.join(':');
  return `${hex.slice(0, best.at).join(':')}::${hex.slice(best.at + best.len).join(':')}`;
}

export function formatCidr(range: Cidr): string {
  return `${formatIp({ v: range.v, value: range.network })}/${range.prefix}`;
}

