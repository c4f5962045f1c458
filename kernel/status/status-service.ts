/**
 * Answers server-list pings. For a managed server that is not online (sleeping, starting,
 * stopping, crashed: the `server-manager` service says), its `[motd.<state>]`, then
 * `[default_motd.<state>]`, then a built-in line — without asking the backend, so a ping never
 * wakes a server, and without the `[motd.online]` overrides. Otherwise, for a routed server: the
 * backend's answer through the cache, with `[motd.online]` overrides; if the backend cannot be
 * reached, the server's `[motd.unreachable]` (then `[motd.offline]`, then the global defaults). For an unknown domain: `[default_motd.*]`.
 * The cache holds one answer per server and protocol era, fetched with the era's probe version,
 * never with the client's number (protocol-eras.ts says why and what each client then sees).
 */
import { connectTimeout, type BackendAddress, type ProxyConfig, type LoadedServer } from '../config/index.ts';
import { StatusCache } from './status-cache.ts';
import { answerFor, protocolEra, readEraAnswer, type EraAnswer } from './protocol-eras.ts';
import { fetchBackendStatus } from './status-fetch.ts';
import { applyOnlineOverrides, BUILTIN_MOTD, motdResponse, stateMotd, type MotdFields } from './motd.ts';
import type { ManagedStateLookup } from './managed-state.ts';
import { backendHandshakeAddress } from '../routing/domain-rewrite.ts';
import { encodeProxyV2Local } from '../protocol/proxy-protocol.ts';

/** What a status answer depends on from the client's handshake. */
export interface StatusRequest {
  readonly protocolVersion: number;
  /** The address as the client sent it (what a rewritten backend handshake keeps the markers of). */
  readonly rawAddress: string;
  readonly port: number;
}

export type StatusSource = 'cache' | 'backend' | 'stale' | 'motd';

export interface StatusAnswer {
  json: string;
  source: StatusSource;
  error?: unknown;
}

/** How long a backend may take to answer a status request once connected. */
const STATUS_READ_TIMEOUT_MS = 5_000;

export class StatusService {
  private cache: StatusCache<EraAnswer>;
  /** Answers of routed servers by where they came from (`ProxyApi.stats().statusCache`); kept across resets. */
  readonly lookups = { hits: 0, stale: 0, misses: 0 };

  /**
   * `addressOrder`: the order to ask a server's addresses in (the balancer's: healthy first).
   * `managedState`: a managed server's state (managed-state.ts); absent, no server is managed.
   */
  constructor(
    private config: ProxyConfig,
    private readonly addressOrder: (server: LoadedServer) => readonly BackendAddress[] = (server) => server.addresses,
    private readonly managedState: ManagedStateLookup = () => undefined,
  ) {
    this.cache = new StatusCache<EraAnswer>({ ttlMs: config.status_cache.ttl, maxEntries: config.status_cache.max_entries });
  }

  /** New config or server set: cached answers may carry old MOTDs or addresses. */
  reset(config: ProxyConfig): void {
    this.config = config;
    this.cache = new StatusCache<EraAnswer>({ ttlMs: config.status_cache.ttl, maxEntries: config.status_cache.max_entries });
  }

  async forServer(server: LoadedServer, handshake: StatusRequest): Promise<StatusAnswer> {
    const state = this.managedState(server.id);
    const sleepy = state === undefined ? undefined : stateMotd(state, server.motd, this.defaults());
    if (sleepy !== undefined) return { json: JSON.stringify(motdResponse(sleepy.motd, sleepy.fallback, handshake.protocolVersion)), source: 'motd' };
    const era = protocolEra(handshake.protocolVersion);
    // The first address is part of the key: a wildcard-capture server (`$1.internal`) has one
    // per captured name, each its own backend and answer.
    const first = server.addresses[0];
    const result = await this.cache.get(`${server.id}\0${first?.host}:${first?.port}\0${era.id}`, () => this.askBackend(server, era.probe, handshake));
    if (!result.ok || result.source === 'backend') this.lookups.misses++;
    else if (result.source === 'cache') this.lookups.hits++;
    else this.lookups.stale++;
    if (result.ok) {
      const json = answerFor(result.value, handshake.protocolVersion);
      return { json: applyOnlineOverrides(json, server.motd?.online, server.max_players), source: result.source };
    }
    const motd = server.motd?.unreachable ?? server.motd?.offline ?? this.defaults().unreachable ?? this.defaults().offline;
    return { json: JSON.stringify(motdResponse(motd, BUILTIN_MOTD.unreachable, handshake.protocolVersion)), source: 'motd', error: result.error };
  }

  /** Entries in the status cache now. */
  get cached(): number {
    return this.cache.size;
  }

  /** One status request to the backend, as the era's probe version; the handshake's address and port go along. */
  private async askBackend(server: LoadedServer, probe: number, handshake: StatusRequest): Promise<EraAnswer> {
    const addresses = this.addressOrder(server);
    const json = await fetchBackendStatus({
      addresses,
      protocolVersion: probe,
      address: backendHandshakeAddress(server, handshake.rawAddress, addresses[0]),
      port: handshake.port,
      connectTimeoutMs: connectTimeout(server, this.config),
      readTimeoutMs: STATUS_READ_TIMEOUT_MS,
      // One answer serves every client for the cache's ttl, so the ping is the proxy's own:
      // a v2 LOCAL header (the backend keeps the connection's addresses), which a
      // PROXY-protocol backend needs before it answers anything.
      proxyHeader: server.send_proxy_protocol ? encodeProxyV2Local() : undefined,
    });
    return readEraAnswer(json, probe);
  }

  forUnknownDomain(protocolVersion: number): StatusAnswer {
    const d = this.defaults();
    const motd: MotdFields | undefined = d.online ?? d.unreachable ?? d.offline;
    return { json: JSON.stringify(motdResponse(motd, BUILTIN_MOTD.unknownDomain, protocolVersion)), source: 'motd' };
  }

  private defaults(): NonNullable<ProxyConfig['default_motd']> {
    return this.config.default_motd ?? {};
  }
}
