/**
 * A server switch on 1.20.2+: the client goes back to the configuration state. The proxy resets
 * the title (some 1.20.x/1.21.x clients keep it across configuration), sends Start Configuration and waits for the client's Configuration Acknowledged; play packets the
 * client sent before it (movement, keep-alive answers for the old server) are dropped. After the
 * acknowledgement the client reads configuration packets, which the new backend then provides
 * (it is told Login Acknowledged only now, so it starts its configuration phase for this client).
 */
import type { PacketConn } from '../net/packet-conn.ts';
import { InfrarustError } from '../errors.ts';
import { kernelIds } from '../protocol/ids/index.ts';
import { packetOf } from '../protocol/packets/protocol-versions.ts';
import { readVarInt } from '../protocol/varint.ts';
import { LOGIN_STEP_TIMEOUT_MS } from './timeouts.ts';
import { clearBeforeReconfiguration } from './client-leftovers.ts';

/** The client's play packets we skip at most while waiting (a client that never answers is cut off). */
const MAX_SKIPPED = 4096;

/** Start Configuration to the client, then its packets until Configuration Acknowledged. */
export async function reconfigureClient(client: PacketConn, protocol: number): Promise<void> {
  const ids = kernelIds(protocol).play;
  for (const packet of clearBeforeReconfiguration(protocol)) client.queue(packet); // the old title, while still in play
  client.send(packetOf(ids.cb.startConfiguration, Buffer.alloc(0)));
  const deadline = Date.now() + LOGIN_STEP_TIMEOUT_MS;
  for (let skipped = 0; skipped < MAX_SKIPPED; skipped++) {
    const packet = await client.read(Math.max(1, deadline - Date.now()), 'Configuration Acknowledged');
    if (readVarInt(packet, 0)?.value === ids.sb.configurationAcknowledged) return;
  }
  throw new InfrarustError('IR_ERR_SESSION_TIMEOUT', `the client sent ${MAX_SKIPPED} packets without acknowledging the configuration`);
}

/** Login Acknowledged, sent to a backend that logged the player in during a switch. */
export function loginAcknowledged(protocol: number): Buffer {
  return packetOf(kernelIds(protocol).login.sb.loginAcknowledged, Buffer.alloc(0));
}
