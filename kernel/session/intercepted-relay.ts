/**
 * The intercepted session after login: the PlayerChannel plugins and hooks talk through, the two
 * packet relays (client-play.ts and backend-play.ts say where the states change), the per-side
 * codec filter chains, and the end of the session (either side closing closes both; a backend
 * that vanishes gives the player a reason).
 */
import type { GameProfile } from '../../sdk/auth.ts';
import type { LoadedServer } from '../config/index.ts';
import { createCodecChain, type CodecChain } from '../layers/codec-chain.ts';
import type { PacketConn } from '../net/packet-conn.ts';
import { encodeDisconnect } from '../protocol/packets/disconnect.ts';
import { PV } from '../protocol/packets/protocol-versions.ts';
import type { BackendLogin } from './backend-login.ts';
import type { ClientIdentity } from './client-auth.ts';
import { serverboundStates } from './client-play.ts';
import { clientboundStates } from './backend-play.ts';
import type { ConnectionContext } from './connection-context.ts';
import type { InterceptedDeps } from './deps.ts';
import { playerRef } from './event-refs.ts';
import { PacketRelay, type RelayState } from './packet-relay.ts';
import type { PlayerChannel, StreamState } from './player-channel.ts';
import { createInterceptedPlayer } from './player-handle.ts';

export function startRelays(ctx: ConnectionContext, server: LoadedServer, client: PacketConn, login: BackendLogin, identity: ClientIdentity, deps: InterceptedDeps): void {
  const protocol = ctx.handshake!.protocolVersion;
  const initial: RelayState = protocol >= PV.V1_20_2 ? 'configuration' : 'play';
  const backend = login.backend;
  const channel = new SessionChannel(ctx, server.id, client, backend, identity, initial);
  const chains = codecChains(ctx, deps, initial, client, backend);
  const hooks = deps.hooks();
  const player = () => playerRef(ctx);
  const common = { protocol, state: initial, hooks, events: deps.events, channel, player };
  const up = new PacketRelay({
    ...common,
    source: client,
    target: backend,
    direction: 'serverbound',
    chain: chains.client,
    ...tableOf(serverboundStates(protocol)),
    onState: (s) => (channel.serverState = s),
  });
  const down = new PacketRelay({
    ...common,
    source: backend,
    target: client,
    direction: 'clientbound',
    chain: chains.server,
    ...tableOf(clientboundStates(protocol)),
    onState: (s) => (channel.clientState = s),
  });
  const handle = createInterceptedPlayer(channel);
  deps.players.add(handle);
  const target = `${login.address.host}:${login.address.port}`;
  client.onEnd = () => channel.finish(undefined);
  backend.onEnd = (err) => channel.finish(err);
  ctx.socket.once('close', () => {
    deps.players.remove(ctx.id, handle);
    chains.client?.close();
    chains.server?.close();
  });
  deps.events.notify('PostLogin', () => ({ player: player() }));
  deps.events.notify('ServerConnected', () => ({ player: player(), serverId: server.id, backend: target }));
  deps.log.info({ conn: ctx.id, player: identity.profile.name, server: server.id, backend: target, mode: server.proxy_mode, verified: identity.verified }, 'player connected');
  up.start();
  down.start();
}

function tableOf(table: ReturnType<typeof serverboundStates>) {
  return { transition: table.transition, transitionIds: table.ids };
}

function codecChains(ctx: ConnectionContext, deps: InterceptedDeps, state: RelayState, client: PacketConn, backend: PacketConn): { client: CodecChain | null; server: CodecChain | null } {
  if (deps.codec.isEmpty) return { client: null, server: null };
  const make = (side: 'client' | 'server', conn: PacketConn): CodecChain | null => {
    const chain = createCodecChain(deps.codec, { connectionId: ctx.id, side, protocolVersion: ctx.handshake!.protocolVersion, state });
    if (chain !== null && conn.threshold >= 0) chain.onCompression(conn.threshold);
    if (chain !== null && conn.encrypted) chain.onEncryption();
    return chain;
  };
  return { client: make('client', client), server: make('server', backend) };
}

/** What hooks and the Player handle see of the session. */
class SessionChannel implements PlayerChannel {
  clientState: StreamState;
  serverState: StreamState;
  closed = false;
  readonly connectionId: number;
  readonly protocol: number;
  readonly profile: GameProfile;
  readonly verified: boolean;
  readonly remoteAddress: string;

  constructor(
    private readonly ctx: ConnectionContext,
    readonly serverId: string,
    private readonly client: PacketConn,
    private readonly backend: PacketConn,
    identity: ClientIdentity,
    state: RelayState,
  ) {
    this.clientState = state;
    this.serverState = state;
    this.connectionId = ctx.id;
    this.protocol = ctx.handshake!.protocolVersion;
    this.profile = identity.profile;
    this.verified = identity.verified;
    this.remoteAddress = ctx.remoteAddress;
  }

  sendToClient(packet: Buffer): void {
    if (!this.closed) this.client.send(packet);
  }

  sendToServer(packet: Buffer): void {
    if (!this.closed) this.backend.send(packet);
  }

  close(finalPacket?: Buffer): void {
    if (this.closed) return;
    this.closed = true;
    if (finalPacket !== undefined && this.client.failed === undefined) this.client.queue(finalPacket);
    this.client.end();
    this.backend.socket.destroy();
  }

  /** One side ended: close the other. A backend that left without a word gets the player a reason. */
  finish(backendError: Error | undefined): void {
    if (this.closed) return;
    if (backendError === undefined) {
      this.closed = true;
      this.backend.socket.destroy();
      this.client.socket.destroy();
      return;
    }
    this.ctx.log.debug({ reason: backendError.message }, 'backend connection ended');
    this.close(encodeDisconnect(this.protocol, this.clientState, '§cLost connection to the server.'));
  }
}
