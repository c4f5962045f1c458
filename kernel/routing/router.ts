/**
 * The routing table: domain → server. Exact names win over wildcards; among wildcards the most
 * specific wins (see compareSpecificity), never insertion order. The table is immutable: a
 * config change builds a new one and swaps it in, so a lookup never sees a half-applied update.
 */
import { compareSpecificity, compileDomainPattern, normalizeDomain, type DomainPattern } from './domain-pattern.ts';

export interface Routable {
  readonly id: string;
  readonly domains: readonly string[];
}

export interface RouteConflict {
  domain: string;
  kept: string;
  dropped: string;
}

export interface RoutingOptions<S> {
  /**
   * Builds the server a wildcard match routes to from its `*` captures (`$1` in addresses,
   * routing/captures.ts); returns `server` itself when it uses none.
   */
  readonly expand?: (server: S, captures: readonly string[]) => S;
}

export class RoutingTable<S extends Routable> {
  private readonly exact = new Map<string, S>();
  private readonly wildcards: { pattern: DomainPattern; server: S }[] = [];
  readonly conflicts: RouteConflict[] = [];
  private readonly expand: RoutingOptions<S>['expand'];

  /** Servers are taken in the given order; a domain claimed twice keeps the later server. */
  constructor(servers: Iterable<S>, options: RoutingOptions<S> = {}) {
    this.expand = options.expand;
    const wild = new Map<string, { pattern: DomainPattern; server: S }>();
    for (const server of servers) {
      for (const raw of server.domains) {
        const pattern = compileDomainPattern(raw);
        const previous = pattern.wildcard ? wild.get(pattern.source)?.server : this.exact.get(pattern.source);
        if (previous !== undefined && previous.id !== server.id) {
          this.conflicts.push({ domain: pattern.source, kept: server.id, dropped: previous.id });
        }
        if (pattern.wildcard) wild.set(pattern.source, { pattern, server });
        else this.exact.set(pattern.source, server);
      }
    }
    this.wildcards = [...wild.values()].sort((a, b) => compareSpecificity(a.pattern, b.pattern));
  }

  /** Finds the server for a routing host (already stripped of Forge markers). */
  resolve(host: string): S | undefined {
    const domain = normalizeDomain(host);
    const hit = this.exact.get(domain);
    if (hit !== undefined) return hit;
    for (const { pattern, server } of this.wildcards) {
      if (this.expand === undefined) {
        if (pattern.regex!.test(domain)) return server;
        continue;
      }
      const match = pattern.regex!.exec(domain);
      if (match !== null) return this.expand(server, match.slice(1));
    }
    return undefined;
  }

  get size(): number {
    return this.exact.size + this.wildcards.length;
  }
}
