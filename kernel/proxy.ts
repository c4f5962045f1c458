/**
 * The proxy: owns the listener, the routing table, the status service and the set of live
 * connections, and swaps in new server configs atomically. Features are not here: they are
 * plugins, reached through the layers it is given (kernel.ts builds both).
 */
import type { Server, Socket } from 'node:net';
import type { Logger } from './log/logger.ts';
import type { ProxyConfig, LoadedServer } from './config/index.ts';
import { RoutingTable } from './routing/router.ts';
import { BackendPools, type AddressStatus } from './routing/backend-pools.ts';
import { expandCaptures } from './routing/captures.ts';
import { HealthChecker } from './net/health-checker.ts';
import { ServerSources, type ServerOrigin } from './routing/server-sources.ts';
import { probeAddress } from './status/health-probe.ts';
import { StatusService } from './status/status-service.ts';
import { managedStateFrom } from './status/managed-state.ts';
import { createConnectionContext, type ConnectionContext } from './session/connection-context.ts';
import { serveConnection } from './session/serve-connection.ts';
import type { SessionDeps } from './session/deps.ts';
import { PlayerRegistry } from './session/player-registry.ts';
import { connectionRef, playerRef } from './session/event-refs.ts';
import { listen } from './net/listener.ts';
import { TransportTap } from './net/transport-tap.ts';
import { ProxyHeaderReceiver } from './net/proxy-header.ts';
import { PreRouteGuard, type PreRouteStats } from './net/pre-route-guard.ts';
import type { PluginLayers } from './layers/plugin-layers.ts';
import { createLoginKeyPair, type LoginKeyPair } from './protocol/login-keys.ts';
import { loadForwardingSecret } from './session/forwarding/secret.ts';
import type { PacketHook } from './session/packet-hooks.ts';
import { createSessionHooks, type SessionHooks } from './session/hooks/index.ts';
import type { TransportContext, TransportVerdict } from '../sdk/filters.ts';
import type { PlayerRef } from '../sdk/events.ts';
import type { PermissionChecker } from './session/hooks/index.ts';

export class Proxy {
  private routes = new RoutingTable<LoadedServer>([]);
  private servers: ReadonlyMap<string, LoadedServer> = new Map();
  private readonly status: StatusService;
  private readonly connections = new Set<ConnectionContext>();
  private listener: Server | undefined;
  private nextId = 1;
  private port = 0;
  private readonly deps: SessionDeps;
  /** Present when `receive_proxy_protocol` is on (infrarust.toml is read at startup only). */
  private readonly proxyHeaders: ProxyHeaderReceiver | undefined;
  /** The per-address cap and the memory budget of connections that are not routed yet. */
  private readonly preRoute: PreRouteGuard;
  /** The players plugins see (ctx.proxy.players()); sessions add theirs, a closed socket removes it. */
  readonly players = new PlayerRegistry();
  /** Made on the first online login (RSA-1024, as vanilla and Velocity). */
  private loginKeys: LoginKeyPair | undefined;
  private secret: Promise<string> | undefined;
  /** The kernel's packet hooks for intercepted sessions (chat and command events, proxy commands). */
  private readonly hooks: readonly PacketHook[];
  /** Balancing and health of backend addresses; probes follow the server files. */
  private readonly backends: BackendPools;
  private readonly probes: HealthChecker;
  private readonly limboCommand: SessionHooks['limboCommand'];
  /** Per-connection permission checkers (proxy commands, `ctx.proxy.hasPermission`). */
  private readonly permissions: SessionHooks['permissions'];
  /** servers/ files and provider plugins' servers, merged into `servers` (routing/server-sources.ts). */
  readonly sources = new ServerSources({
    apply: (servers) => this.applyServers(servers),
    warn: (line, message) => this.log.warn(line, message),
  });

  /** `layers`: the plugin layers the kernel asks and plugins answer (the plugin host registers into them). */
  constructor(
    private readonly config: ProxyConfig,
    private readonly log: Logger,
    readonly layers: PluginLayers,
  ) {
    if (config.receive_proxy_protocol) this.proxyHeaders = new ProxyHeaderReceiver(config.trusted_proxies, log);
    this.preRoute = new PreRouteGuard({ perAddress: config.max_pre_route_per_ip, budgetBytes: config.pre_route_memory_mb * 1024 * 1024 }, log);
    const sessionHooks = createSessionHooks({
      events: layers.events,
      commands: layers.registries.commands,
      players: this.players,
      permissions: () => this.config.permissions,
      announceCommands: () => this.config.announce_proxy_commands,
      bungeecord: {
        players: this.players,
        servers: () => this.servers.values(),
        server: (id) => this.servers.get(id),
        messaging: () => this.config.plugin_messaging,
        remotePort: (id) => [...this.connections].find((c) => c.id === id)?.remotePort,
      },
      log,
    });
    this.hooks = sessionHooks.hooks;
    this.limboCommand = sessionHooks.limboCommand;
    this.permissions = sessionHooks.permissions;
    this.backends = new BackendPools(config, {
      onChange: (serverId, address, change) => {
        const line = { server: serverId, backend: address, reason: change.reason };
        if (change.healthy) log.info(line, 'backend address healthy again');
        else log.warn(line, 'backend address marked unhealthy');
        layers.events.notify('BackendHealthChange', () => ({ serverId, address, healthy: change.healthy, reason: change.reason }));
      },
    });
    this.status = new StatusService(config, (server) => this.backends.statusOrder(server), managedStateFrom(layers.registries.services));
    this.probes = new HealthChecker({ due: (now) => this.backends.dueProbes(now), probe: probeAddress, maxConcurrent: config.active_health.max_concurrent });
    this.deps = {
      backends: this.backends,
      config: () => this.config,
      routes: () => this.routes,
      serverById: (id) => this.servers.get(id),
      status: this.status,
      events: layers.events,
      log,
      players: this.players,
      services: layers.registries.services,
      loginKeys: () => (this.loginKeys ??= createLoginKeyPair()),
      codec: layers.codec,
      hooks: () => this.hooks,
      limbo: layers.registries.limbo,
      limboCommand: (channel, line, reply) => this.limboCommand(channel, line, reply),
      forwardingSecret: () => (this.secret ??= loadForwardingSecret(config.forwarding.secret_file, log).catch((err: unknown) => {
        this.secret = undefined; // a fixed file is picked up by the next login
        throw err;
      })),
    };
  }

  /** The live connections (what ctx.proxy.connections() and disconnect() read). */
  liveConnections(): Iterable<ConnectionContext> {
    return this.connections;
  }

  server(id: string): LoadedServer | undefined {
    return this.servers.get(id);
  }

  serverList(): Iterable<LoadedServer> {
    return this.servers.values();
  }

  /** Health and live connections of a server's addresses (`servers` / `server <id>`). */
  backendStatus(id: string): AddressStatus[] | undefined {
    return this.backends.status(id);
  }

  /** Status cache counters and size (`ProxyApi.stats().statusCache`). */
  statusCacheStats(): { hits: number; stale: number; misses: number; entries: number } {
    return { ...this.status.lookups, entries: this.status.cached };
  }

  get activeConnections(): number {
    return this.connections.size;
  }

  /** What the not-yet-routed connections hold (per-address counts, buffered bytes). */
  preRouteStats(): PreRouteStats {
    return this.preRoute.stats();
  }

  /** A player's permission checker (PermissionsSetup fires on its first use); undefined once the connection closed. */
  permissionsOf(player: PlayerRef, verified: boolean): PermissionChecker | Promise<PermissionChecker> | undefined {
    for (const c of this.connections) if (c.id === player.connectionId) return this.permissions.forRef(player, verified);
    return undefined;
  }

  /** Where server `id` comes from: `file` or a provider (`ServerSummary.source`). */
  serverOrigin(id: string): ServerOrigin | undefined {
    return this.sources.originOf(id);
  }

  /** Replaces the servers/ files' set; merged with providers' servers (a file wins on the same id). */
  setServers(servers: ReadonlyMap<string, LoadedServer>): void {
    this.sources.setFiles(servers);
  }

  /** Swaps in the merged server set; new connections route with it, live ones are untouched. */
  private applyServers(servers: ReadonlyMap<string, LoadedServer>): void {
    const ordered = [...servers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const routes = new RoutingTable(ordered, { expand: expandCaptures });
    for (const c of routes.conflicts) {
      this.log.warn({ domain: c.domain, kept: c.kept, dropped: c.dropped }, 'domain claimed by two servers; the later one wins');
    }
    this.routes = routes;
    this.servers = servers;
    this.backends.update(ordered);
    this.probes.schedule(this.backends.probeTickMs());
    this.status.reset(this.config);
    // Synchronous listeners (ip-filter's) have run before the next connection is read.
    this.layers.events.notify('ConfigReload', () => ({ servers: ordered.map((s) => s.id) }));
  }

  async start(): Promise<{ host: string; port: number }> {
    const bind = this.config.bind;
    this.listener = await listen({
      host: bind.host,
      port: bind.port,
      reusePort: this.config.so_reuseport,
      keepAliveMs: this.config.keepalive.time,
      maxConnections: () => this.config.max_connections,
      activeConnections: () => this.connections.size,
      onSocket: (socket) => this.accept(socket),
      onRejected: (socket) => this.log.debug({ remote: socket.remoteAddress }, 'max_connections reached, connection refused'),
    });
    const address = this.listener.address();
    const port = typeof address === 'object' && address !== null ? address.port : bind.port;
    this.port = port;
    return { host: bind.host, port };
  }

  /**
   * Stops accepting, waits up to `graceMs` for live connections to end by themselves, then
   * closes what is left. Resolves once every socket is closed.
   */
  async stop(graceMs: number): Promise<void> {
    this.probes.stop();
    const closed = new Promise<void>((resolve) => (this.listener === undefined ? resolve() : this.listener.close(() => resolve())));
    if (this.connections.size > 0) {
      this.log.info({ connections: this.connections.size, graceMs }, 'waiting for connections to finish');
      await this.drain(graceMs);
    }
    for (const ctx of this.connections) ctx.socket.destroy();
    await closed;
  }

  private drain(graceMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, graceMs);
      const check = setInterval(() => {
        if (this.connections.size > 0) return;
        clearTimeout(timer);
        clearInterval(check);
        resolve();
      }, 50);
      timer.unref?.();
      setTimeout(() => clearInterval(check), graceMs + 10).unref();
    });
  }

  private accept(socket: Socket): void {
    // Every phase adds and removes its own error handling; this one stays for the socket's whole
    // life, so a late error (a write to a client that already left) can never crash the process.
    socket.on('error', ignoreSocketError);
    // Counted by peer before any byte is read, except a listed load balancer's connections:
    // those are counted by the client address their PROXY header names, once it is read.
    const peer = socket.remoteAddress ?? 'unknown';
    const ticket = this.preRoute.admit(peer, this.proxyHeaders?.isListedProxy(peer) !== true);
    if (ticket === undefined) return void socket.destroy();
    const ctx = createConnectionContext(this.nextId++, socket, this.log);
    ctx.preRoute = ticket;
    this.connections.add(ctx);
    let admitted = false;
    socket.once('close', () => {
      ctx.phase = 'closed';
      ticket.end();
      this.connections.delete(ctx);
      this.players.remove(ctx.id);
      this.permissions.forget(ctx.id);
      if (!admitted) return; // refused at its PROXY header: events and filters never saw it
      if (ctx.transport !== undefined) this.layers.transport.runClose(ctx.transport.ctx);
      if (ctx.username !== undefined) this.layers.events.notify('Disconnect', () => ({ player: playerRef(ctx), serverId: ctx.serverId }));
    });
    const admit = (): void => {
      admitted = true;
      this.admit(ctx);
    };
    if (this.proxyHeaders === undefined) return admit();
    // Per connection and asynchronous: a slow header holds up only its own connection.
    void this.proxyHeaders.receive(ctx).then((ok) => {
      if (!ok || socket.destroyed) return;
      if (!ticket.moveTo(ctx.remoteAddress)) return void socket.destroy();
      admit();
    });
  }

  /** From here on, everyone sees the connection with its real client address. */
  private admit(ctx: ConnectionContext): void {
    const socket = ctx.socket;
    const transport = this.layers.transport;
    if (transport.isEmpty) return void serveConnection(ctx, this.deps);
    ctx.transport = new TransportTap(transport, transportContext(ctx, this.port));
    const verdict = transport.runAccept(ctx.transport.ctx);
    if (!(verdict instanceof Promise)) return this.afterAccept(ctx, verdict);
    void verdict.then((v) => {
      if (!socket.destroyed) this.afterAccept(ctx, v);
    });
  }

  private afterAccept(ctx: ConnectionContext, verdict: TransportVerdict): void {
    if (verdict.type === 'reject') {
      this.layers.events.notify('ConnectionRejected', () => ({ conn: connectionRef(ctx), reason: verdict.reason ?? 'transport-filter' }));
      return void ctx.socket.destroy();
    }
    void serveConnection(ctx, this.deps);
  }
}

function transportContext(ctx: ConnectionContext, localPort: number): TransportContext {
  return { connectionId: ctx.id, remoteAddress: ctx.remoteAddress, remotePort: ctx.remotePort, localPort };
}

function ignoreSocketError(): void {
  // Errors end the socket; its 'close' handler does the bookkeeping.
}
