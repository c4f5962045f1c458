/**
 * Which relay moves a passthrough connection's bytes (passthrough, zero_copy, server_only and
 * pre-netty logins), and who dials the backend: the native addon dials and splices when it is
 * loaded and no transport filter has a data hook for the connection (data hooks need the bytes
 * in JS); else the backend is dialled in JS (backend-connect.ts) and relay.ts relays, the
 * reference implementation. `INFRARUST_RELAY=js` forces the JS path.
 */
import { isIP, type Socket } from 'node:net';
import { lookup } from 'node:dns/promises';
import { InfrarustError } from '../errors.ts';
import { connectToBackend, type BackendAddress, type ConnectOptions } from './backend-connect.ts';
import { loadNativeRelay, nativeDial, type NativeDialHandler, type NativeTarget } from './native-relay.ts';
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
  return { kind: 'native', reason: 'native/splice loaded (it dials the backend too); connections whose transport filters have data hooks use the JS relay' };
}

export interface Connected {
  /** The address that answered. */
  address: BackendAddress;
  relay: RelayChoice['kind'];
}

/** What the relay sends the backend first: the client's replayed bytes, made for the address dialled. */
export interface Replay {
  (address: BackendAddress): Buffer;
  /** True when the bytes do not depend on the address (made once for every target). */
  readonly sameForAll?: boolean;
}

/**
 * Dials `addresses` in order (each within `options.timeoutMs`), sends `replay(address)` to the one
 * that answers and relays the pair until both sides are done. Resolves once the relay runs;
 * rejects with IR_ERR_BACKEND_UNREACHABLE (the client socket untouched) when no address
 * answered. `tap` is the connection's data tap (transport-tap.ts `dataTap`): present means JS.
 * The client socket must be paused (a released ClientReader leaves it so).
 */
export function dialAndRelay(client: Socket, addresses: readonly BackendAddress[], options: ConnectOptions, replay: Replay, tap: TransportTap | undefined): Promise<Connected> {
  if (tap === undefined && addresses.length > 0 && relayChoice().kind === 'native') {
    const plan = planTargets(addresses);
    if (!(plan instanceof Promise)) return dialNative(client, addresses, plan, options, replay);
    return plan.then((p) => dialNative(client, addresses, p, options, replay));
  }
  return dialJs(client, addresses, options, replay, tap);
}

async function dialJs(client: Socket, addresses: readonly BackendAddress[], options: ConnectOptions, replay: Replay, tap: TransportTap | undefined): Promise<Connected> {
  const backend = await connectToBackend(addresses, options);
  backend.socket.write(replay(backend.address));
  relay(client, backend.socket, tap);
  client.resume();
  return { address: backend.address, relay: 'js' };
}

/** The IP literals the addon dials; `from[i]` = the configured address of targets[i]. */
interface Plan {
  targets: NativeTarget[];
  from: number[];
  /** Names that did not resolve: their causes, reported with the dial's. */
  unresolved: { index: number; cause: string }[];
}

/** Addresses given as IPs need no lookup (no promise); a name resolves to its first address, as net.connect does. */
function planTargets(addresses: readonly BackendAddress[]): Plan | Promise<Plan> {
  if (addresses.every((a) => isIP(a.host) !== 0)) {
    return { targets: addresses.map((a) => ({ ip: a.host, port: a.port })), from: addresses.map((_, i) => i), unresolved: [] };
  }
  return Promise.all(addresses.map((a) => (isIP(a.host) !== 0 ? a.host : lookup(a.host).then((r) => r.address, (e: Error) => e)))).then((ips) => {
    const plan: Plan = { targets: [], from: [], unresolved: [] };
    ips.forEach((ip, i) => {
      if (typeof ip === 'string') {
        plan.targets.push({ ip, port: addresses[i]!.port });
        plan.from.push(i);
      } else {
        plan.unresolved.push({ index: i, cause: ip.message });
      }
    });
    return plan;
  });
}

interface PendingDial {
  addresses: readonly BackendAddress[];
  plan: Plan;
  options: ConnectOptions;
  resolve: (c: Connected) => void;
  reject: (e: Error) => void;
}

function dialNative(client: Socket, addresses: readonly BackendAddress[], plan: Plan, options: ConnectOptions, replay: Replay): Promise<Connected> {
  if (plan.targets.length === 0) return Promise.reject(unreachable(describe({ addresses, plan, options } as PendingDial, [])));
  return new Promise<Connected>((resolve, reject) => {
    const replays = replay.sameForAll === true ? [replay(addresses[plan.from[0]!]!)] : plan.from.map((i) => replay(addresses[i]!));
    const pending: PendingDial = { addresses, plan, options, resolve, reject };
    if (!nativeDial(client, plan.targets, options.timeoutMs, options.keepAliveMs, replays, pending, dialHandler)) {
      dialJs(client, addresses, options, replay, undefined).then(resolve, reject);
    }
  });
}

/** One handler for every native dial: the connection's state is the token. */
const dialHandler: NativeDialHandler<PendingDial> = {
  connected(p, index, errors) {
    describe(p, errors); // logs the targets tried before this one
    p.resolve({ address: p.addresses[p.plan.from[index]!]!, relay: 'native' });
  },
  failed(p, errors) {
    p.reject(unreachable(describe(p, errors)));
  },
};

/** Logs each failed target (options.onFailure) and returns the causes as connectToBackend words them. */
function describe(p: PendingDial, errors: readonly string[]): string[] {
  const causes: string[] = [];
  const fail = (address: BackendAddress, message: string): void => {
    causes.push(`${address.host}:${address.port} (${message})`);
    p.options.onFailure?.(address, new Error(message));
  };
  for (const u of p.plan.unresolved) fail(p.addresses[u.index]!, u.cause);
  errors.forEach((code, i) => {
    const target = p.plan.targets[i]!;
    fail(p.addresses[p.plan.from[i]!]!, code === 'ETIMEDOUT' ? `timed out after ${p.options.timeoutMs} ms` : `connect ${code} ${target.ip}:${target.port}`);
  });
  return causes;
}

function unreachable(causes: string[]): InfrarustError {
  return new InfrarustError('IR_ERR_BACKEND_UNREACHABLE', `no backend answered: ${causes.join(', ') || 'no address configured'}`);
}
