/**
 * The key a client is limited under: its IPv4 address, or its IPv6 /64 (see the sdk's
 * `clientKey`, shared with the kernel's per-address cap on not-yet-routed connections).
 */
export { clientKey } from '../../sdk/ip.ts';
