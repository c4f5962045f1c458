/**
 * The key a client is limited under: its IPv4 address (also when it arrives IPv4-mapped, as
 * `::ffff:1.2.3.4` on a dual-stack listener), or its IPv6 /64 — one subscriber usually owns a
 * whole /64, so per-address keys would let a single host rotate through 2^64 budgets.
 * IPv4 keys are the address as a number (hashed faster than text); addresses come from the
 * sdk's shared parse cache, which the other security plugins have usually filled already.
 */
import { parseIp, type ParsedIp } from '../../sdk/ip.ts';

/** /64 keys per parsed address (parsed addresses are cached, so the same object comes back). */
const v6Keys = new WeakMap<ParsedIp, string>();

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
