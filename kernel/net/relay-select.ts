/**
 * Which relay moves a passthrough connection's bytes (passthrough, zero_copy, server_only and
 * pre-netty logins): the native splice relay when the addon is loaded and no transport filter
 * has a data hook for the connection (data hooks need the bytes in JS), else the JS relay
 * (relay.ts), which stays the reference implementation. `INFRARUST_RELAY=js` forces the JS relay.
 */
import type { Socket } from 'node:net';
import { loadNativeRelay, nativeRelay } from './native-relay.ts';
import { relay } from './relay.ts';
import type { TransportTap } from './transport-tap.ts';

export type RelayChoice = { kind: 'native'; reason: string } | { kind: 'js'; reason: string };

let cached: { env: string | undefined; choice: RelayChoice } | undefined;

/** The relay new connections get (read on every call, so the env var can change it in tests). */
export function relayChoice(): RelayChoice {
  const env = process.env.INFRARUST_RELAY;
  if (cached !== undefined && cached.env === env) return cached.choice;
  const choice = decide(env);
  cached = { env, choice };
  return choice;
}

function decide(env: string | undefined): RelayChoice {
  if (env === 'js') return { kind: 'js', reason: 'INFRARUST_RELAY=js' };
  const load = loadNativeRelay();
  if (!load.ok) return { kind: 'js', reason: `native relay ${load.reason}` };
  return { kind: 'native', reason: 'native/splice loaded; connections whose transport filters have data hooks use the JS relay' };
}

/**
 * Sends `toBackend` (the client's replayed bytes) to the backend and relays the pair until both
 * sides are done. `tap` is the connection's data tap (transport-tap.ts `dataTap`): present means
 * the JS relay. The client socket must be paused; it is resumed here when JS relays.
 */
export function startRelay(client: Socket, backend: Socket, toBackend: Buffer, tap: TransportTap | undefined): RelayChoice['kind'] {
  if (tap === undefined && relayChoice().kind === 'native' && nativeRelay(client, backend, toBackend)) return 'native';
  backend.write(toBackend);
  relay(client, backend, tap);
  client.resume();
  return 'js';
}
