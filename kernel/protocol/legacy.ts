/** Pre-netty (≤ 1.6) protocol: server list pings and login handshakes, enough to route and kick. */
export { parseLegacyPing, legacyPingReply, encodeLegacyKick } from './legacy-ping.ts';
export type { LegacyPing, LegacyPingKind, LegacyPingInfo } from './legacy-ping.ts';
export { parseLegacyLoginHandshake } from './legacy-login.ts';
export type { LegacyLogin } from './legacy-login.ts';
