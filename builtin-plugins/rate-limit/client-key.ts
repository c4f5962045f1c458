/**
 * The key a client is limited under: its IPv4 address (also when it arrives IPv4-mapped, as
 * `::ffff:1.2.3.4` on a dual-stack listener), or its IPv6 /64 — one subscriber usually owns a
 * whole /64, so per-address keys would let a single host rotate through 2^64 budgets.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { ipv6Groups } from '../../sdk/ip.ts';

export function clientKey(address: string): string {
  if (isIPv4(address)) return address;
  const zone = address.indexOf('%');
  const s = zone >= 0 ? address.slice(0, zone) : address;
  if (!isIPv6(s)) return address;
  const g = ipv6Groups(s);
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    return `${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`;
  }
  return `${g[0].toString(16)}:${g[1].toString(16)}:${g[2].toString(16)}:${g[3].toString(16)}::/64`;
}
