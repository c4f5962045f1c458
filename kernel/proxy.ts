/**
 * The proxy: owns the listener, the routing table, the status service and the set of live
 * connections, and swaps in new server configs atomically. Features are not here: they are
 * plugins, attached through the kernel events and (next) the plugin layers.
 */
import type { Server, Socket } from 'node:net';
import type { Logger } from './log/logger.ts';
import type { ProxyConfig, LoadedServer } from './config/index.ts';
import { RoutingTable } from './routing/router.ts';
import { StatusService } from './status/status-service.ts';
import { createKernelEmitter, type KernelEmitter } from './lifecycle/kernel-events.ts';
import { createConnectionContext, type ConnectionContext } from './net/connection-context.ts';
import { handleConnection, type ConnectionDeps } from './net/handle-connection.ts';
import { listen } from './net/listener.ts';
import { TransportTap } from './net/transport-tap.ts';
import { ProxyHeaderReceiver } from './net/proxy-header.ts';
import type { PluginLayers } from './plugin-system/host/layers.ts';
import { createLayers } from './plugin-system/create-layers.ts';
import { bridgeKernelEvents } from './plugin-system/event-bridge.ts';
import type { TransportContext, TransportVerdict } from '../sdk/filters.ts';
import type { ProxyApi } from '../sdk/plugin.ts';
import { createProxyApi, type ProxyControl } from './plugin-system/proxy-api.ts';

export class Proxy {
  readonly events: KernelEmitter = createKernelEmitter();
  /** The plugin layers: the kernel asks them, plugins answer (the host registers into them). */
  readonly layers: PluginLayers;
  private routes = new RoutingTable<LoadedServer>([]);
  private servers: ReadonlyMap<string, LoadedServer> = new Map();
  private readonly status: StatusService;
  private readonly connections = new Set<ConnectionContext>();
  private server: Server | undefined;
  private nextId = 1;
  private port = 0;
  private readonly deps: ConnectionDeps;
  /** Present when `receive_proxy_protocol` is on (infrarust.toml is read at startup only). */
  private readonly proxyHeaders: ProxyHeaderReceiver | undefined;

  constructor(private config: ProxyConfig, private readonly log: Logger) {
    this.status = new StatusService(config);
    if (config.receive_proxy_protocol) this.proxyHeaders = new ProxyHeaderReceiver(config.trusted_proxies, log);
    this.layers = createLayers(config, log);
    bridgeKernelEvents(this.events, this.layers.events);
    this.deps = {
      config: () => this.config,
      routes: () => this.routes,
      status: this.status,
      events: this.events,
      log,
      plugins: this.layers,
      serverById: (id) => this.servers.get(id),
    };
  }

  /** What plugins see of this proxy (config sections, connections, disconnect). */
  /** Set by the daemon: version, plugin list and shutdown (defaults suit tests). */
  readonly control: ProxyControl = { version: '0.0.0', startedAt: Date.now(), plugins: () => [], shutdown: () => undefined };
  readonly api: ProxyApi = createProxyApi({
    config: () => this.config,
    server: (id) => this.servers.get(id),
    servers: () => this.servers.values(),
    connections: () => this.connections,
    control: this.control,
  });

  get activeConnections(): number {
    return this.connections.size;
  }

  /** Replaces the server set; new connections route with it, live ones are untouched. */
  setServers(servers: ReadonlyMap<string, LoadedServer>): void {
    const ordered = [...servers.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const routes = new RoutingTable(ordered);
    for (const c of routes.conflicts) {
      this.log.warn({ domain: c.domain, kept: c.kept, dropped: c.dropped }, 'domain claimed by two servers; the later one wins');
    }
    this.routes = routes;
    this.servers = servers;
    this.status.reset(this.config);
    this.events.emit('servers.changed', { ids: ordered.map((s) => s.id) });
  }

  async start(): Promise<{ host: string; port: number }> {
    const bind = this.config.bind;
    this.server = await listen({
      host: bind.host,
      port: bind.port,
      reusePort: this.config.so_reuseport,
      keepAliveMs: this.config.keepalive.time,
      maxConnections: () => this.config.max_connections,
      activeConnections: () => this.connections.size,
      onSocket: (socket) => this.accept(socket),
      onRejected: (socket) => this.log.debug({ remote: socket.remoteAddress }, 'max_connections reached, connection refused'),
    });
    const address = this.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : bind.port;
    this.port = port;
    this.events.emit('proxy.listening', { address: bind.host, port });
    return { host: bind.host, port };
  }

  /**
   * Stops accepting, waits up to `graceMs` for live connections to end by themselves, then
   * closes what is left. Resolves once every socket is closed.
   */
  async stop(graceMs: number): Promise<void> {
    this.events.emit('proxy.stopping', {});
    const closed = new Promise<void>((resolve) => (this.server === undefined ? resolve() : this.server.close(() => resolve())));
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
    const ctx = createConnectionContext(this.nextId++, socket, this.log);
    this.connections.add(ctx);
    let admitted = false;
    socket.once('close', () => {
      ctx.phase = 'closed';
      this.connections.delete(ctx);
      if (!admitted) return; // refused at its PROXY header: events and filters never saw it
      if (ctx.transport !== undefined) this.layers.transport.runClose(ctx.transport.ctx);
      this.events.emit('connection.closed', ctx);
    });
    const admit = (): void => {
      admitted = true;
      this.admit(ctx);
    };
    if (this.proxyHeaders === undefined) return admit();
    // Per connection and asynchronous: a slow header holds up only its own connection.
    void this.proxyHeaders.receive(ctx).then((ok) => {
      if (ok && !socket.destroyed) admit();
    });
  }

  /** From here on, everyone sees the connection with its real client address. */
  private admit(ctx: ConnectionContext): void {
    const socket = ctx.socket;
    const transport = this.layers.transport;
    this.events.emit('connection.accepted', ctx);
    if (transport.isEmpty) return void handleConnection(ctx, this.deps);
    ctx.transport = new TransportTap(transport, transportContext(ctx, this.port));
    const verdict = transport.runAccept(ctx.transport.ctx);
    if (!(verdict instanceof Promise)) return this.afterAccept(ctx, verdict);
    void verdict.then((v) => {
      if (!socket.destroyed) this.afterAccept(ctx, v);
    });
  }

  private afterAccept(ctx: ConnectionContext, verdict: TransportVerdict): void {
    if (verdict.type === 'reject') {
      this.events.emit('connection.rejected', { conn: ctx, reason: verdict.reason ?? 'transport-filter' });
      return void ctx.socket.destroy();
    }
    void handleConnection(ctx, this.deps);
  }
}

function transportContext(ctx: ConnectionContext, localPort: number): TransportContext {
  return { connectionId: ctx.id, remoteAddress: ctx.remoteAddress, remotePort: ctx.remotePort, localPort };
}

function ignoreSocketError(): void {
  // Errors end the socket; its 'close' handler does the bookkeeping.
}
