/**
 * The backend's login, run by the proxy for an intercepted session: dial, our own handshake
 * (carrying BungeeCord/BungeeGuard forwarding when configured) and Login Start for the player's
 * profile, then the backend's login packets until Login Success:
 *   Set Compression → that side's threshold;
 *   Login Plugin Request `velocity:player_info` → answered here (Velocity modern forwarding);
 *   any other Login Plugin Request or Cookie Request → relayed to the client (still in the login
 *     state), its answer relayed back: this is what lets Forge's login handshake through;
 *   Encryption Request → the backend is in online mode: a clear refusal;
 *   Disconnect → the backend refused the player: its reason is passed on.
 * On a server switch the client is in play, not login: plugin requests are answered "not
 * understood" and cookie requests with no cookie, as Velocity does for a client past its login.
 */
import type { GameProfile } from '../../sdk/auth.ts';
import { connectTimeout, type LoadedServer } from '../config/index.ts';
import { InfrarustError } from '../errors.ts';
import { connectToBackend, type BackendAddress } from '../net/backend-connect.ts';
import { PacketConn } from '../net/packet-conn.ts';
import { dataTap } from '../net/transport-tap.ts';
import { withProxyHeader } from '../net/proxy-header.ts';
import { encodeHandshake, splitForgeMarker } from '../protocol/packets/handshake.ts';
import { encodeLoginStart } from '../protocol/packets/login.ts';
import { decodeLoginPluginRequest, encodeLoginPluginRequest, encodeLoginPluginResponse, LOGIN_PLUGIN_REQUEST_ID } from '../protocol/packets/login-plugin.ts';
import { decodeLoginSuccess, decodeSetCompression, LOGIN_SUCCESS_ID, SET_COMPRESSION_ID } from '../protocol/packets/login-success.ts';
import { ENCRYPTION_REQUEST_ID } from '../protocol/packets/login-encryption.ts';
import { PacketReader } from '../protocol/packet-reader.ts';
import { backendHandshakeAddress } from '../routing/domain-rewrite.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { InterceptedDeps } from './deps.ts';
import { bungeeCordAddress } from './forwarding/bungeecord.ts';
import { forwardedAddress } from './forwarding/address.ts';
import { effectiveForwarding } from './forwarding/mode.ts';
import { answerVelocityRequest, velocityForwardingChannel } from './forwarding/velocity.ts';
import { LOGIN_STEP_TIMEOUT_MS } from './timeouts.ts';
import { packetOf, PV } from '../protocol/packets/protocol-versions.ts';
import { PacketWriter } from '../protocol/packet-writer.ts';
import { kernelIds } from '../protocol/ids/index.ts';

const LOGIN_DISCONNECT_ID = 0x00;
const COOKIE_REQUEST_ID = 0x05;

export interface BackendLogin {
  readonly backend: PacketConn;
  readonly address: BackendAddress;
  /** The profile the backend logged the player in as. */
  readonly profile: GameProfile;
}

/** The backend refused the player: `reason` is its JSON text component, for the client. */
export class BackendRefused extends InfrarustError {
  constructor(readonly reasonJson: string, message: string) {
    super('IR_ERR_SESSION_BACKEND_KICKED', message);
  }
}

export async function backendLogin(ctx: ConnectionContext, server: LoadedServer, client: PacketConn, profile: GameProfile, deps: InterceptedDeps, clientInLogin = true): Promise<BackendLogin> {
  const config = deps.config();
  const dial = deps.backends.dial(server);
  const { socket, address } = await connectToBackend(dial.addresses, {
    timeoutMs: connectTimeout(server, config),
    client: ctx.socket,
    keepAliveMs: config.keepalive.time,
    onFailure: (a, cause) => {
      ctx.log.debug({ server: server.id, backend: `${a.host}:${a.port}`, reason: (cause as Error).message }, 'backend address failed');
      if (!ctx.socket.destroyed) dial.failed(a, cause);
    },
  });
  dial.connected(address, socket);
  // Transport filters see the backend's raw bytes too, as in passthrough.
  const tap = dataTap(ctx.transport);
  const backend = new PacketConn(socket, { incoming: tap === undefined ? undefined : (c) => tap.serverData(c), validateCompression: false, peer: 'backend' });
  // A client that leaves mid-login frees the backend connection now, not at the login step timeout.
  const clientLeft = (): void => void socket.destroy();
  ctx.socket.once('end', clientLeft).once('close', clientLeft);
  try {
    const forwarding = effectiveForwarding(server, config);
    const secret = forwarding === 'velocity' || forwarding === 'bungee_guard' ? await deps.forwardingSecret() : undefined;
    const protocol = ctx.handshake!.protocolVersion;
    const hostField = handshakeAddress(ctx, server, address, profile, forwarding, secret);
    const hello = Buffer.concat([
      encodeHandshake({ protocolVersion: protocol, address: hostField, port: ctx.handshake!.port, nextState: ctx.handshake!.intent === 'transfer' ? 3 : 2 }),
      encodeLoginStart({ name: profile.name, uuid: profile.uuid }, protocol),
    ]);
    socket.write(withProxyHeader(ctx, server, hello));
    const velocity = forwarding === 'velocity' ? { address: forwardedAddress(ctx.remoteAddress), profile, secret: secret! } : undefined;
    return { backend, address, profile: await loginPackets(backend, clientInLogin ? client : undefined, protocol, velocity, server) };
  } catch (err) {
    backend.socket.destroy();
    throw err;
  } finally {
    ctx.socket.removeListener('end', clientLeft).removeListener('close', clientLeft);
  }
}

function handshakeAddress(ctx: ConnectionContext, server: LoadedServer, address: BackendAddress, profile: GameProfile, forwarding: string, secret: string | undefined): string {
  const raw = backendHandshakeAddress(server, ctx.handshake!.rawAddress, address);
  if (forwarding !== 'bungee_cord' && forwarding !== 'bungee_guard') return raw;
  const host = splitForgeMarker(raw).host;
  return bungeeCordAddress(host, forwardedAddress(ctx.remoteAddress), profile, forwarding === 'bungee_guard' ? secret : undefined);
}

type Velocity = { address: string; profile: GameProfile; secret: string } | undefined;

async function loginPackets(backend: PacketConn, client: PacketConn | undefined, protocol: number, velocity: Velocity, server: LoadedServer): Promise<GameProfile> {
  let forwarded = false;
  for (;;) {
    const packet = await backend.read(LOGIN_STEP_TIMEOUT_MS, 'login packet');
    const id = packet[0];
    if (id === LOGIN_SUCCESS_ID) {
      if (velocity !== undefined && !forwarded) {
        throw new BackendRefused(JSON.stringify({ text: 'This server is not configured for modern (Velocity) forwarding.' }), `backend of server "${server.id}" logged the player in without asking for velocity forwarding: enable velocity support on the backend (Paper: proxies.velocity) or change forwarding_mode`);
      }
      return decodeLoginSuccess(packet, protocol);
    }
    if (id === SET_COMPRESSION_ID) backend.threshold = decodeSetCompression(packet);
    else if (id === LOGIN_PLUGIN_REQUEST_ID) forwarded = (await pluginRequest(packet, backend, client, protocol, velocity)) || forwarded;
    else if (id === COOKIE_REQUEST_ID && protocol >= PV.V1_20_5) await relayToClient(packet, backend, client, protocol);
    else if (id === ENCRYPTION_REQUEST_ID) {
      throw new InfrarustError('IR_ERR_SESSION_BACKEND_ONLINE', `backend of server "${server.id}" is in online mode; set it to offline (online-mode=false) and use forwarding`);
    } else if (id === LOGIN_DISCONNECT_ID) {
      const reason = new PacketReader(packet, 1).string(262144);
      throw new BackendRefused(reason, `backend of server "${server.id}" refused the login`);
    } else {
      throw new InfrarustError('IR_ERR_PROTO_UNEXPECTED_PACKET', `backend sent login packet 0x${id.toString(16)}, which the proxy does not know`);
    }
  }
}

/** True when it was the Velocity forwarding request (answered here). */
async function pluginRequest(packet: Buffer, backend: PacketConn, client: PacketConn | undefined, protocol: number, velocity: Velocity): Promise<boolean> {
  const request = decodeLoginPluginRequest(packet);
  if (velocity !== undefined && request.channel === velocityForwardingChannel) {
    backend.send(encodeLoginPluginResponse({ messageId: request.messageId, data: answerVelocityRequest(request.data, protocol, velocity) }));
    return true;
  }
  if (client === undefined) backend.send(encodeLoginPluginResponse({ messageId: request.messageId, data: undefined }));
  else await relayToClient(encodeLoginPluginRequest(request), backend, client, protocol);
  return false;
}

/** A request only the client can answer: send it on, pass the client's next packet back. */
async function relayToClient(packet: Buffer, backend: PacketConn, client: PacketConn | undefined, protocol: number): Promise<void> {
  if (client === undefined) return void backend.send(noCookie(packet, protocol));
  client.send(packet);
  backend.send(await client.read(LOGIN_STEP_TIMEOUT_MS, 'answer to a backend login request'));
}

/** A Cookie Response without a payload, for a Cookie Request (`packet`) the client cannot be asked. */
function noCookie(packet: Buffer, protocol: number): Buffer {
  const key = new PacketReader(packet, 1).string(32767);
  return packetOf(kernelIds(protocol).login.sb.cookieResponse, new PacketWriter(key.length + 8).string(key).bool(false).toBuffer());
}
