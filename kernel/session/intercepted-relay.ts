/**
 * The intercepted session after login: the PlayerChannel plugins and hooks talk through, the two
 * packet relays (client-play.ts and backend-play.ts say where the states change), the per-side
 * codec filter chains, and the end of the session (either side closing closes both; a backend
 * that vanishes gives the player a reason). The backend side can be replaced: a server switch
 * (backend-transition.ts) detaches the old backend's relays and attaches the new one's.
 */
import type { GameProfile } from '../../sdk/auth.ts';
import type { PlayerResult } from '../../sdk/player.ts';
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
import { ClientLeftovers } from './client-leftovers.ts';
import type { PacketHook } from './packet-hooks.ts';
import type { PlayerChannel, StreamState } from './player-channel.ts';
import { createInterceptedPlayer } from './player-handle.ts';

/** Switches the session's backend (backend-transition.ts provides it; injected to keep the import one-way). */
export type Switcher = (session: InterceptedSession, serverId: string) => Promise<PlayerResult>;

/**
 * What a session does beyond relaying, provided by session-actions.ts (injected, so this file
 * imports none of the phases that import it): switching servers, and a backend's kick.
 */
export interface SessionActions {
  readonly switchTo: Switcher;
  /** The hook that takes a backend's disconnect out of the stream (backend-kick.ts). */
  readonly kickHook: (session: InterceptedSession, onKick: (reason: string) => void) => PacketHook;
  /** The kicked player's way on: KickedFromServer, fallback, limbo or the door. */
  readonly kicked: (session: InterceptedSession, serverId: string, reason: string) => Promise<void>;
}

/** What the player reads when the backend's connection ends without a disconnect packet. */
export const CONNECTION_LOST_REASON = '§cLost connection to the server.';

/** Where the first relays start: by default right after login (configuration on 1.20.2+, else play). */
export interface FirstRelays {
  readonly state?: RelayState;
  readonly hooks?: readonly PacketHook[];
}

/** Starts the relays for the first backend; the session lives until either side closes. */
export function startRelays(ctx: ConnectionContext, server: LoadedServer, client: PacketConn, login: BackendLogin, identity: ClientIdentity, deps: InterceptedDeps, actions?: SessionActions, first: FirstRelays = {}): InterceptedSession {
  const protocol = ctx.handshake!.protocolVersion;
  const initial: RelayState = first.state ?? (protocol >= PV.V1_20_2 ? 'configuration' : 'play');
  const session = new InterceptedSession(ctx, client, identity, deps, actions);
  session.attach(server, login, initial, first.hooks);
  const handle = createInterceptedPlayer(session.channel);
  deps.players.add(handle);
  client.onEnd = () => session.channel.finish(undefined);
  ctx.socket.once('close', () => {
    deps.players.remove(ctx.id, handle);
    session.closeChains();
  });
  deps.events.notify('PostLogin', () => ({ player: playerRef(ctx) }));
  session.announce(server, login, 'player connected');
  return session;
}

export class InterceptedSession {
  readonly channel: SessionChannel;
  /** The relays towards the backend in use; absent while a switch has none attached. */
  #relays: { up: PacketRelay; down: PacketRelay; chains: { client: CodecChain | null; server: CodecChain | null } } | undefined;
  /** True while a switch, a kick's fallback or a limbo visit is under way (one at a time). */
  switching = false;
  /** Set while the player is held in limbo (session-limbo.ts): ends the hold and joins `serverId`. */
  limboExit: ((serverId: string) => Promise<PlayerResult>) | undefined;
  readonly #actions: SessionActions | undefined;
  /** What the backend shows outside the world, for a switch to clear (1.9–1.20.1). */
  readonly leftovers: ClientLeftovers | undefined;

  constructor(
    readonly ctx: ConnectionContext,
    readonly client: PacketConn,
    readonly identity: ClientIdentity,
    readonly deps: InterceptedDeps,
    actions: SessionActions | undefined,
  ) {
    this.#actions = actions;
    const switchTo = actions === undefined ? undefined : (id: string) => actions.switchTo(this, id);
    this.channel = new SessionChannel(ctx, client, identity, switchTo);
    const protocol = ctx.handshake!.protocolVersion;
    this.leftovers = ClientLeftovers.needed(protocol) ? new ClientLeftovers(protocol) : undefined;
  }

  get protocol(): number {
    return this.ctx.handshake!.protocolVersion;
  }

  /**
   * Relays between the client and `login.backend`, both starting in `state`. `extraHooks` run
   * after the kernel's (e.g. the keep-alive guard after a switch).
   */
  attach(server: LoadedServer, login: BackendLogin, state: RelayState, extraHooks: readonly PacketHook[] = []): void {
    const { ctx, client, deps, channel } = this;
    const backend = login.backend;
    channel.setBackend(server.id, backend, state);
    const chains = codecChains(ctx, deps, state, client, backend);
    const kick = this.#actions?.kickHook(this, (reason) => this.backendLeft(reason));
    const extra = [...(kick === undefined ? [] : [kick]), ...(this.leftovers === undefined ? [] : [this.leftovers.hook]), ...extraHooks];
    const hooks = extra.length === 0 ? deps.hooks() : [...deps.hooks(), ...extra];
    const player = () => playerRef(ctx);
    const common = { protocol: this.protocol, state, hooks, events: deps.events, channel, player };
    const up = new PacketRelay({
      ...common,
      source: client,
      target: backend,
      direction: 'serverbound',
      chain: chains.client,
      ...tableOf(serverboundStates(this.protocol)),
      onState: (s) => (channel.serverState = s),
    });
    const down = new PacketRelay({
      ...common,
      source: backend,
      target: client,
      direction: 'clientbound',
      chain: chains.server,
      ...tableOf(clientboundStates(this.protocol)),
      onState: (s) => {
        channel.clientState = s;
        if (s === 'play') this.#onPlay?.();
      },
    });
    this.#relays = { up, down, chains };
    backend.onEnd = (err) => this.backendLeft(undefined, err);
    up.start();
    down.start();
  }

  #onPlay: (() => void) | undefined;

  /**
   * The backend kicked the player (`reason`) or its connection ended: unless the player left or
   * a switch is under way, the backend is let go and the kick handling (backend-kick.ts) decides
   * where the player goes; without it, the session ends as before.
   */
  backendLeft(reason: string | undefined, err?: Error): void {
    const { channel, client } = this;
    if (channel.closed) return;
    const kicked = this.#actions?.kicked;
    if (kicked === undefined || this.switching || client.failed !== undefined || client.socket.destroyed) {
      if (reason === undefined) channel.finish(err);
      return;
    }
    this.switching = true;
    const serverId = channel.serverId;
    channel.backend.onEnd = undefined;
    setImmediate(() => {
      this.detach().socket.destroy();
      kicked(this, serverId, reason ?? CONNECTION_LOST_REASON)
        .catch((e: unknown) => {
          this.ctx.log.warn({ err: e, player: this.identity.profile.name }, 'handling a kick failed');
          channel.close(encodeDisconnect(this.protocol, channel.clientState, reason ?? CONNECTION_LOST_REASON));
        })
        .finally(() => (this.switching = false));
    });
  }

  /** Resolves true once the client is in play (at once when it is), false if it leaves or `timeoutMs` passes. */
  untilPlay(timeoutMs: number): Promise<boolean> {
    if (this.channel.clientState === 'play') return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (inPlay: boolean): void => {
        clearTimeout(timer);
        this.client.socket.removeListener('close', left);
        this.#onPlay = undefined;
        resolve(inPlay);
      };
      const left = (): void => done(false);
      const timer = setTimeout(left, timeoutMs);
      this.client.socket.once('close', left);
      this.#onPlay = () => done(true);
    });
  }

  /** Stops relaying with the current backend (its frames and the client's wait unread) and returns it. */
  detach(): PacketConn {
    const backend = this.channel.backend;
    backend.onEnd = undefined;
    backend.afterBatch = undefined;
    backend.consume(undefined);
    this.client.afterBatch = undefined;
    this.client.consume(undefined);
    this.closeChains();
    this.#relays = undefined;
    return backend;
  }

  closeChains(): void {
    this.#relays?.chains.client?.close();
    this.#relays?.chains.server?.close();
  }

  /** ServerConnected and the info line for a backend the player now plays on. */
  announce(server: LoadedServer, login: BackendLogin, line: string): void {
    const { ctx, deps, identity } = this;
    const target = `${login.address.host}:${login.address.port}`;
    deps.events.notify('ServerConnected', () => ({ player: playerRef(ctx), serverId: server.id, backend: target }));
    deps.log.info({ conn: ctx.id, player: identity.profile.name, server: server.id, backend: target, mode: server.proxy_mode, verified: identity.verified }, line);
  }
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
export class SessionChannel implements PlayerChannel {
  clientState: StreamState = 'login';
  serverState: StreamState = 'login';
  serverId = '';
  closed = false;
  backend!: PacketConn;
  readonly connectionId: number;
  readonly protocol: number;
  readonly profile: GameProfile;
  readonly verified: boolean;
  readonly remoteAddress: string;

  constructor(
    private readonly ctx: ConnectionContext,
    private readonly client: PacketConn,
    identity: ClientIdentity,
    readonly switchServer: ((serverId: string) => Promise<PlayerResult>) | undefined,
  ) {
    this.connectionId = ctx.id;
    this.protocol = ctx.handshake!.protocolVersion;
    this.profile = identity.profile;
    this.verified = identity.verified;
    this.remoteAddress = ctx.remoteAddress;
  }

  setBackend(serverId: string, backend: PacketConn, state: RelayState): void {
    this.serverId = serverId;
    this.ctx.serverId = serverId;
    this.backend = backend;
    this.clientState = state;
    this.serverState = state;
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
    this.close(encodeDisconnect(this.protocol, this.clientState, CONNECTION_LOST_REASON));
  }
}
