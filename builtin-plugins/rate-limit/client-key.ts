/**
 * The key a client is limited under: its IPv4 address (also when it arrives IPv4-mapped, as
 * `::ffff:1.2.3.4` on a dual-stack listener), or its IPv6 /64 — one subscriber usually owns a
 * whole /64, so per-address keys would let a single host rotate through 2^64 budgets.
 */
import { isIPv4, isIPv6 } from 'node:net';

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

/** The eight 16-bit groups of a validated IPv6 text (`::` and a dotted IPv4 tail allowed). */
function ipv6Groups(text: string): number[] {
  let s = text;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) > 0) {
    const [a, b, c, d] = s.slice(lastColon + 1).split('.').map(Number);
    s = `${s.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const gap = s.indexOf('::');
  const head = gap < 0 ? s.split(':') : parts(s.slice(0, gap));
  const tail = gap < 0 ? [] : parts(s.slice(gap + 2));
  const zeros = new Array<string>(8 - head.length - tail.length).fill('0');
  return [...head, ...zeros, ...tail].map((x) => parseInt(x, 16));
}

function parts(s: string): string[] {
  return s === '' ? [] : s.split(':');
}
