/**
 * What the session phases need from the proxy. The proxy builds one `SessionDeps`; each phase
 * names the part it uses (Gate's per-handler deps), so a phase can be driven in a test with just
 * those, and what a phase may touch is visible in its signature.
 */
import type { LoadedServer, ProxyConfig } from '../config/index.ts';
import type { EventBus } from '../layers/event-bus.ts';
import type { Logger } from '../log/logger.ts';
import type { RoutingTable } from '../routing/router.ts';
import type { BackendPools } from '../routing/backend-pools.ts';
import type { StatusService } from '../status/status-service.ts';
import type { PlayerRegistry } from './player-registry.ts';
import type { CodecRegistry } from '../layers/codec-chain.ts';
import type { LoginKeyPair } from '../protocol/login-keys.ts';
import type { PacketHook } from './packet-hooks.ts';
import type { NamedRegistry } from '../layers/registries.ts';
import type { LimboHandler } from '../../sdk/limbo.ts';
import type { PlayerChannel } from './player-channel.ts';

export interface SessionDeps {
  readonly config: () => ProxyConfig;
  /** The routing table in force (server files hot-reload: read it per connection). */
  readonly routes: () => RoutingTable<LoadedServer>;
  /** A server by id (for ServerPreConnect's ConnectTo). */
  readonly serverById: (id: string) => LoadedServer | undefined;
  readonly status: StatusService;
  /** The EventBus: the one channel for plugin events, decisions and notifications alike. */
  readonly events: EventBus;
  /** The proxy's logger, for happy-path lines that should not create a per-connection child. */
  readonly log: Logger;
  /** The players plugins see (`ctx.proxy.players()`): a phase adds its player when the proxy knows it. */
  readonly players: PlayerRegistry;
  /** Plugin services by name (the `authenticator` for client_only). */
  readonly services: { get(name: string): object | undefined };
  /** The proxy's RSA key pair for login encryption (made once, on first use). */
  readonly loginKeys: () => LoginKeyPair;
  /** Codec filter factories (layer 2), for intercepted sessions' per-side chains. */
  readonly codec: CodecRegistry;
  /** The kernel's packet hooks (chat and command events, proxy commands…). */
  readonly hooks: () => readonly PacketHook[];
  /** A line typed in limbo run as a proxy command, if one matches (hooks/command-hook.ts limboCommandLine). */
  readonly limboCommand: (channel: PlayerChannel, line: string, reply: (text: string) => void) => boolean | Promise<boolean>;
  /** Limbo handlers by name (a server's `limbo_handlers` run before its backend is dialled). */
  readonly limbo: NamedRegistry<LimboHandler>;
  /** The forwarding secret (Velocity HMAC key / BungeeGuard token), read or created on first use. */
  readonly forwardingSecret: () => Promise<string>;
  /** Load balancing and health of backend addresses: the order a connection dials them in. */
  readonly backends: BackendPools;
}

export type HandshakeDeps = Pick<SessionDeps, 'config' | 'routes' | 'events'>;
export type StatusDeps = Pick<SessionDeps, 'config' | 'status' | 'events'>;
export type LoginDeps = Pick<SessionDeps, 'events' | 'serverById'>;
export type PassthroughDeps = Pick<SessionDeps, 'config' | 'events' | 'log' | 'players' | 'services' | 'forwardingSecret' | 'backends'>;
export type AuthDeps = Pick<SessionDeps, 'services' | 'events' | 'loginKeys'>;
export type InterceptedDeps = Pick<SessionDeps, 'config' | 'events' | 'log' | 'services' | 'loginKeys' | 'codec' | 'hooks' | 'forwardingSecret' | 'players' | 'serverById' | 'limbo' | 'limboCommand' | 'backends'>;
export type LegacyDeps = Pick<SessionDeps, 'config' | 'routes' | 'status' | 'events' | 'log' | 'backends'>;
