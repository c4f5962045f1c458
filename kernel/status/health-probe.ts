/**
 * One active health probe of one backend address: a TCP connect, or a status ping (handshake,
 * status request, one answer frame that decodes as status JSON). Either must finish within
 * `timeoutMs`: a backend that accepts and never answers fails the probe at the deadline.
 */
import { connectToBackend } from '../net/backend-connect.ts';
import { encodeProxyV2Local } from '../protocol/proxy-protocol.ts';
import type { ProbeTarget } from '../routing/probe-job.ts';
import { fetchBackendStatus } from './status-fetch.ts';

/** The protocol number put in a probe's handshake: any modern server answers a status request. */
const PROBE_PROTOCOL = 767;

/** Resolves when the address is healthy; rejects with the reason otherwise. */
export async function probeAddress(target: ProbeTarget): Promise<void> {
  const started = Date.now();
  if (target.kind === 'tcp') {
    const { socket } = await connectToBackend([target.address], { timeoutMs: target.timeoutMs });
    socket.destroy();
    return;
  }
  await fetchBackendStatus({
    addresses: [target.address],
    protocolVersion: PROBE_PROTOCOL,
    address: target.handshakeHost,
    port: target.address.port,
    connectTimeoutMs: target.timeoutMs,
    // The read gets what the connect left of the one deadline (at least 1 ms).
    get readTimeoutMs() {
      return Math.max(1, target.timeoutMs - (Date.now() - started));
    },
    proxyHeader: target.proxyHeader ? encodeProxyV2Local() : undefined,
  });
}
