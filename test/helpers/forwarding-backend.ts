/**
 * A backend that checks player-info forwarding the way Paper/Spigot do, for end-to-end tests:
 * test/helpers/backend.ts's minecraft-protocol server (offline mode, play login packet sent)
 * with its login held until the forwarded identity is verified.
 *
 * - `velocity`: after Login Start it sends a Login Plugin Request on `velocity:player_info`
 *   (data: the `requestVersion` byte, or empty), then verifies the answer's HMAC-SHA256 with the
 *   shared secret and that the version is one it asked for, and parses the payload. Written here
 *   from the format, independently of kernel/session/forwarding/velocity.ts, so a test compares
 *   two implementations.
 * - `bungeecord` / `bungeeguard`: parses the handshake address `host\0ip\0uuid\0json`; for
 *   BungeeGuard the `bungeeguard-token` property must equal the secret and is removed.
 *
 * Every attempt is recorded in `joins` (also refused ones, with `refused` set, after which the
 * player is kicked with Paper's message); an accepted player logs in under the forwarded name and
 * UUID and reaches play state.
 */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { startBackend, type Backend } from './backend.ts';

export type ForwardingKind = 'velocity' | 'bungeecord' | 'bungeeguard';

export interface ForwardedProperty {
  name: string;
  value: string;
  signature?: string;
}

export interface ForwardedJoin {
  /** The name in the client's Login Start (the proxy's, towards this backend). */
  loginName: string;
  /** The forwarded identity (bungee: the Login Start name, as Spigot uses it). */
  name?: string;
  uuid?: string;
  address?: string;
  properties?: ForwardedProperty[];
  /** The host part of the handshake address (bungee), or the whole address (velocity). */
  host: string;
  /** Velocity: the version in the payload, and the one this backend asked for. */
  version?: number;
  requested?: number;
  hmacValid?: boolean;
  /** BungeeGuard: the token property's value as received. */
  token?: string;
  /** Why the backend refused the login (the kick reason), when it did. */
  refused?: string;
}

export interface ForwardingBackendOptions {
  version: string;
  forwarding: ForwardingKind;
  /** The forwarding secret (Velocity HMAC key, BungeeGuard token). */
  secret: string;
  /** Velocity: the version byte sent in the request (Paper 1.19.3+ sends 4); undefined sends no data (= 1). */
  requestVersion?: number;
}

export interface ForwardingBackend extends Backend {
  joins: ForwardedJoin[];
}

/** Paper's kick messages, so a test can match what a real backend says. */
export const REFUSALS = {
  noVelocityData: 'This server requires you to connect with Velocity.',
  badHmac: 'Unable to verify player details',
  bungeeNoData: 'If you wish to use IP forwarding, please enable it in your BungeeCord config as well!',
  bungeeGuard: 'Unable to authenticate - no data was forwarded by the proxy.',
} as const;

type LoginStart = { username: string };
type ServerClient = EventEmitter & { serverHost: string; username: string; uuid: string; end(reason: string): void; write(name: string, params: object): void };

export async function startForwardingBackend(options: ForwardingBackendOptions): Promise<ForwardingBackend> {
  const backend = await startBackend({ version: options.version });
  const joins: ForwardedJoin[] = [];
  const accepted = new WeakMap<object, ForwardedJoin>();
  // minecraft-protocol calls options.beforeLogin (the object createServer was given, kept as
  // server.options) just before Login Success: log the player in under the forwarded identity.
  (backend.server as unknown as { options: { beforeLogin?: (c: ServerClient) => void } }).options.beforeLogin = (client) => {
    const join = accepted.get(client);
    if (join?.uuid !== undefined) client.uuid = join.uuid;
    if (join?.name !== undefined) client.username = join.name;
  };
  (backend.server as unknown as EventEmitter).on('connection', (client: ServerClient) => {
    // Hold the login flow: take minecraft-protocol's own Login Start handler and run it only once
    // the forwarded data checks out.
    const proceed = client.rawListeners('login_start') as Array<(p: LoginStart) => void>;
    client.removeAllListeners('login_start');
    client.once('login_start', (packet: LoginStart) => {
      const verified = (join: ForwardedJoin): void => {
        joins.push(join);
        if (join.refused !== undefined) return client.end(join.refused);
        accepted.set(client, join);
        for (const listener of proceed) listener.call(client, packet);
      };
      if (options.forwarding === 'velocity') askVelocity(client, packet.username, options, verified);
      else verified(checkBungee(client.serverHost, packet.username, options));
    });
  });
  return { ...backend, joins };
}

function askVelocity(client: ServerClient, loginName: string, options: ForwardingBackendOptions, done: (join: ForwardedJoin) => void): void {
  const messageId = randomInt(1, 0x7fffffff);
  const requested = options.requestVersion ?? 1;
  client.on('login_plugin_response', function onResponse(packet: { messageId: number; data?: Buffer }) {
    if (packet.messageId !== messageId) return;
    client.removeListener('login_plugin_response', onResponse);
    const base = { loginName, host: client.serverHost, requested };
    if (packet.data === undefined || packet.data.length < 32) return done({ ...base, refused: REFUSALS.noVelocityData });
    try {
      done(verifyVelocity(packet.data, options.secret, base));
    } catch (err) {
      done({ ...base, hmacValid: true, refused: `malformed forwarding payload: ${(err as Error).message}` });
    }
  });
  const data = options.requestVersion === undefined ? Buffer.alloc(0) : Buffer.from([options.requestVersion]);
  client.write('login_plugin_request', { messageId, channel: 'velocity:player_info', data });
}

/** Paper's VelocityProxy.checkIntegrity + readAddress/createProfile, from the wire format. */
function verifyVelocity(data: Buffer, secret: string, base: ForwardedJoin & { requested: number }): ForwardedJoin {
  const signature = data.subarray(0, 32);
  const payload = data.subarray(32);
  const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(payload).digest();
  const hmacValid = timingSafeEqual(signature, expected);
  if (!hmacValid) return { ...base, hmacValid, refused: REFUSALS.badHmac };
  const r = new WireReader(payload);
  const version = r.varInt();
  if (version > Math.max(base.requested, 1)) {
    return { ...base, hmacValid, version, refused: `Unsupported forwarding version ${version}, supports up to ${base.requested}` };
  }
  const address = r.string();
  const uuid = r.uuid();
  const name = r.string();
  const properties: ForwardedProperty[] = [];
  for (let n = r.varInt(); n > 0; n--) {
    const property: ForwardedProperty = { name: r.string(), value: r.string() };
    if (r.bool()) property.signature = r.string();
    properties.push(property);
  }
  if (r.remaining !== 0) return { ...base, hmacValid, version, refused: `${r.remaining} unexpected bytes after the version ${version} payload` };
  return { ...base, hmacValid, version, address, uuid, name, properties };
}

/** Spigot's handshake split (bungeecord: true) and BungeeGuard's token check. */
function checkBungee(serverHost: string, loginName: string, options: ForwardingBackendOptions): ForwardedJoin {
  const parts = serverHost.split('\0');
  const base = { loginName, name: loginName, host: parts[0]! };
  if (parts.length !== 3 && parts.length !== 4) return { ...base, refused: REFUSALS.bungeeNoData };
  const raw = parts[2]!;
  const uuid = `${raw.slice(0, 8)}-${raw.slice(8, 12)}-${raw.slice(12, 16)}-${raw.slice(16, 20)}-${raw.slice(20)}`;
  let properties = parts.length === 4 ? (JSON.parse(parts[3]!) as ForwardedProperty[]) : [];
  const join: ForwardedJoin = { ...base, address: parts[1], uuid, properties };
  if (options.forwarding !== 'bungeeguard') return join;
  const tokens = properties.filter((p) => p.name === 'bungeeguard-token');
  properties = properties.filter((p) => p.name !== 'bungeeguard-token');
  const token = tokens.length === 1 ? tokens[0]!.value : undefined;
  const refused = token === options.secret ? undefined : REFUSALS.bungeeGuard;
  return { ...join, properties, token, ...(refused ? { refused } : {}) };
}

/** Just enough of the protocol's field types to read the forwarding payload. */
class WireReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private take(n: number): Buffer {
    if (this.pos + n > this.buf.length) throw new Error(`payload ended at ${this.pos} reading ${n} bytes`);
    this.pos += n;
    return this.buf.subarray(this.pos - n, this.pos);
  }

  varInt(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.take(1)[0]!;
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new Error('VarInt too long');
  }

  string(): string {
    return this.take(this.varInt()).toString('utf8');
  }

  bool(): boolean {
    return this.take(1)[0] !== 0;
  }

  uuid(): string {
    const hex = this.take(16).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
