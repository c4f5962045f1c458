/** Real minecraft-protocol clients: join through the proxy by domain, or ping it. */
import mc from 'minecraft-protocol';
import { connect, type Socket } from 'node:net';

export interface JoinOptions {
  port: number;
  domain: string;
  version: string;
  username: string;
  timeoutMs?: number;
  /** Extra createClient options (auth, session, sessionServer…). */
  extra?: Record<string, unknown>;
  /** Sees the client right after it is made (e.g. to tamper with a packet before it is handled). */
  onClient?: (client: mc.Client) => void;
}

/** Joins and resolves once the play login packet arrives; the client is ended afterwards unless `keep`. */
export function join(options: JoinOptions & { keep?: false }): Promise<{ entityId: unknown }>;
export function join(options: JoinOptions & { keep: true }): Promise<{ client: mc.Client }>;
export function join(options: JoinOptions & { keep?: boolean }): Promise<unknown> {
  const client = mc.createClient({
    host: '127.0.0.1',
    port: options.port,
    fakeHost: options.domain,
    version: options.version,
    username: options.username,
    auth: 'offline',
    validateChannelProtocol: false,
    hideErrors: true,
    ...options.extra,
  } as mc.ClientOptions);
  options.onClient?.(client);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.end();
      reject(new Error(`${options.username} did not reach play state within ${options.timeoutMs ?? 15000} ms`));
    }, options.timeoutMs ?? 15000);
    client.once('login', (packet: { entityId: unknown }) => {
      clearTimeout(timer);
      if (options.keep === true) {
        return resolve({ client });
      }
      client.end();
      resolve({ entityId: packet.entityId });
    });
    client.once('kick_disconnect', (p: { reason: string }) => { clearTimeout(timer); reject(new KickError(p.reason)); });
    client.once('disconnect', (p: { reason: string }) => { clearTimeout(timer); reject(new KickError(p.reason)); });
    // `on`, not `once`: a second socket error after the first must not become an uncaught exception.
    client.on('error', (err: Error) => { clearTimeout(timer); reject(err); });
    client.once('end', (reason: string) => { clearTimeout(timer); reject(new Error(`connection ended: ${reason}`)); });
  });
}

export class KickError extends Error {
  constructor(readonly reason: string) {
    super(`kicked: ${reason}`);
  }
}

export interface PingResult {
  version: { name: string; protocol: number };
  players: { max: number; online: number };
  description: unknown;
  favicon?: string;
}

/** A real server-list ping sent to the proxy with `domain` in the handshake. */
export async function ping(port: number, domain: string, version = '1.21.4', before?: (socket: Socket) => void): Promise<PingResult> {
  // A custom `connect` (not `stream`): with a pre-made stream minecraft-protocol sees 'connect'
  // twice and sends a second handshake where the ping belongs.
  const connectToProxy = (client: { setSocket(s: Socket): void }): void => {
    const socket = connect(port, '127.0.0.1');
    // minecraft-protocol stops listening once it has its answer; a reset after that is not the test's.
    socket.on('error', () => undefined);
    before?.(socket); // e.g. a PROXY header, as a load balancer in front would send
    client.setSocket(socket);
  };
  return (await mc.ping({ host: domain, port: 25565, version, connect: connectToProxy, noPongTimeout: 2000 } as unknown as mc.PingOptions)) as unknown as PingResult;
}

/** Flattens a description (string or component) to plain text for assertions. */
export function plainText(description: unknown): string {
  if (typeof description === 'string') return description.replace(/§./g, '');
  if (description === null || typeof description !== 'object') return '';
  const d = description as { text?: string; extra?: unknown[]; translate?: string };
  return (d.text ?? d.translate ?? '').replace(/§./g, '') + (d.extra ?? []).map(plainText).join('');
}
