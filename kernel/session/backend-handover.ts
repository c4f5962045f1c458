/**
 * Handing a client that is in play on something else (an old backend, the proxy's limbo world,
 * nothing after a kick) to a backend that has just logged the player in, per era:
 *   1.20.2+   back through the configuration state (client-reconfigure.ts); a client that is
 *             still in configuration just gets the new backend's configuration
 *   older     the new backend's Join Game as the client accepts it (client-respawn.ts), after
 *             what the old server left is cleared; the client's stale keep-alive answers dropped
 */
import type { PacketConn } from '../net/packet-conn.ts';
import { kernelIds } from '../protocol/ids/index.ts';
import { PV } from '../protocol/packets/protocol-versions.ts';
import { readVarInt } from '../protocol/varint.ts';
import type { BackendLogin } from './backend-login.ts';
import { loginAcknowledged, reconfigureClient } from './client-reconfigure.ts';
import { switchPackets } from './client-respawn.ts';
import type { PacketHook } from './packet-hooks.ts';
import type { RelayState } from './packet-relay.ts';
import { LOGIN_STEP_TIMEOUT_MS } from './timeouts.ts';

export interface HandOver {
  /** The state both relays start in. */
  readonly state: RelayState;
  /** Hooks the relays run besides the kernel's. */
  readonly hooks: PacketHook[];
}

/**
 * Moves a client that is in play on something else (an old backend, the proxy's limbo world) to
 * `login.backend`, which has just logged the player in: 1.20.2+ through the configuration state,
 * older versions through the new Join Game (`joinGame`, when the caller already read it), after
 * `clearFirst` (the old backend's boss bars removed).
 */
export async function handOver(client: PacketConn, protocol: number, login: BackendLogin, joinGame?: JoinGame, clearFirst: Buffer[] = [], inConfiguration = false): Promise<HandOver> {
  if (protocol >= PV.V1_20_2 && inConfiguration) {
    login.backend.send(loginAcknowledged(protocol));
    return { state: 'configuration', hooks: [] };
  }
  if (protocol >= PV.V1_20_2) {
    await reconfigureClient(client, protocol);
    login.backend.send(loginAcknowledged(protocol));
    return { state: 'configuration', hooks: [] };
  }
  const join = joinGame ?? (await readJoinGame(login.backend, protocol));
  for (const packet of [...clearFirst, ...switchPackets(protocol, join.joinGame), ...join.others]) client.queue(packet);
  client.flush();
  return { state: 'play', hooks: [keepAliveGuard(protocol)] };
}

export interface JoinGame {
  joinGame: Buffer;
  others: Buffer[];
}

/** The new backend's packets up to its Join Game (pre-1.20.2 backends send it first). */
export async function readJoinGame(backend: PacketConn, protocol: number): Promise<JoinGame> {
  const joinId = kernelIds(protocol).play.cb.login;
  const others: Buffer[] = [];
  for (;;) {
    const packet = await backend.read(LOGIN_STEP_TIMEOUT_MS, 'Join Game');
    if (readVarInt(packet, 0)?.value === joinId) return { joinGame: packet, others };
    if (others.length >= 256) throw new Error('the new backend sent 256 packets before its Join Game');
    others.push(packet);
  }
}

export function closeOld(old: PacketConn): void {
  old.onEnd = undefined;
  old.socket.destroy();
}

/**
 * Before 1.20.2 the client may still answer a keep-alive of the old server after the switch; a
 * vanilla server kicks for an answer it did not ask for. The client's keep-alives are dropped
 * until the new backend has sent one.
 */
function keepAliveGuard(protocol: number): PacketHook {
  const ids = kernelIds(protocol).play;
  let asked = false;
  return {
    name: 'switch-keepalive-guard',
    ids: (_p, state, direction) => (state !== 'play' || asked ? [] : [direction === 'clientbound' ? ids.cb.keepAlive : ids.sb.keepAlive]),
    handle(_channel, _state, direction) {
      if (direction === 'clientbound') asked = true;
      return direction === 'serverbound' && !asked ? null : undefined;
    },
  };
}
