/**
 * The player's IP as forwarding carries it. Node reports IPv4 clients of a dual-stack listener as
 * `::ffff:a.b.c.d`; Velocity and BungeeCord send `a.b.c.d` (Java maps those addresses to IPv4),
 * and backends use the string as-is for bans and whitelists. An IPv6 zone (`%eth0`) is dropped,
 * as Velocity does.
 *
 * forwardedAddress('::ffff:203.0.113.7') === '203.0.113.7'; forwardedAddress('fe80::1%eth0') === 'fe80::1'
 */
export function forwardedAddress(remoteAddress: string): string {
  const zone = remoteAddress.indexOf('%');
  const ip = zone < 0 ? remoteAddress : remoteAddress.slice(0, zone);
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return mapped ? mapped[1]! : ip;
}
