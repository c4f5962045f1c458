/**
 * Limits on connections that are not routed yet: accepted, and still read by the proxy itself
 * (PROXY header, transport filters' onAccept, handshake, status exchange, Login Start and the
 * login gates, up to the moment the client's bytes are handed to the relay). A connection leaves
 * this state when its ClientReader is released (relay, status answered, refused) or it closes.
 *
 * - Per client address (the IPv4 address, the IPv6 /64; sdk `clientKey`): at most
 *   `max_pre_route_per_ip` such connections at once, checked at accept before any byte is read,
 *   so idle or slowloris sockets from one address cannot take every slot.
 * - Across all connections: the bytes each one buffers beyond its own PRE_ROUTE_ALLOWANCE (a real
 *   client's handshake and Login Start fit in it, so players never wait on the budget) are drawn
 *   from one budget, `pre_route_memory_mb`; a connection that would overdraw it is closed.
 *
 * Each connection holds a PreRouteTicket; `end()` gives its address slot and bytes back exactly
 * once, whichever of reader release and socket close comes first.
 */
import { clientKey } from '../../sdk/ip.ts';
import type { Logger } from '../log/logger.ts';
import { Occasional } from '../log/occasional.ts';
import type { ErrorCode } from '../errors.ts';

/** Bytes a connection may buffer before routing without drawing on the shared budget. */
export const PRE_ROUTE_ALLOWANCE = 2 * 1024;
/** At most one warning of each kind per this interval; the others are counted into the next. */
const WARN_INTERVAL_MS = 60_000;

type Key = string | number;
const PER_IP_CODE: ErrorCode = 'IR_ERR_CONN_PRE_ROUTE_PER_IP';

export interface PreRouteLimits {
  /** Not-yet-routed connections per client address; 0 = no cap. */
  readonly perAddress: number;
  /** Shared budget in bytes for what connections buffer beyond their allowance; 0 = no budget. */
  readonly budgetBytes: number;
}

/** What the guard holds right now (all zero once every connection is routed or closed). */
export interface PreRouteStats {
  /** Connections not routed yet. */
  connections: number;
  /** Addresses with at least one counted connection. */
  addresses: number;
  /** Bytes buffered by those connections, allowances included. */
  bufferedBytes: number;
  /** The part of `bufferedBytes` drawn from the shared budget. */
  budgetUsed: number;
}

export class PreRouteGuard {
  private readonly counts = new Map<Key, number>();
  private live = 0;
  private buffered = 0;
  private charged = 0;
  private readonly perAddressWarning = new Occasional(WARN_INTERVAL_MS);
  private readonly budgetWarning = new Occasional(WARN_INTERVAL_MS);

  constructor(
    private readonly limits: PreRouteLimits,
    private readonly log: Logger,
  ) {}

  /**
   * A ticket for a new connection from `address`, counted under it unless `counted` is false
   * (a trusted load balancer's connection before its PROXY header names the client).
   * Undefined, with a debug line, when the address is at its cap: close the socket unread.
   */
  admit(address: string, counted = true): PreRouteTicket | undefined {
    let key: Key | undefined;
    if (counted && this.limits.perAddress > 0) {
      key = clientKey(address);
      if (!this.acquire(key, address)) return undefined;
    }
    this.live++;
    return new PreRouteTicket(this, key);
  }

  stats(): PreRouteStats {
    return { connections: this.live, addresses: this.counts.size, bufferedBytes: this.buffered, budgetUsed: this.charged };
  }

  /** @internal for PreRouteTicket */
  acquire(key: Key, address: string): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= this.limits.perAddress) {
      this.refusedForAddress(address, n);
      return false;
    }
    this.counts.set(key, n + 1);
    return true;
  }

  /** @internal for PreRouteTicket */
  release(key: Key): void {
    const n = this.counts.get(key)!;
    if (n <= 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
  }

  /** @internal for PreRouteTicket: takes `bytes` of which `charge` come from the budget. */
  take(bytes: number, charge: number): boolean {
    if (charge > 0 && this.limits.budgetBytes > 0 && this.charged + charge > this.limits.budgetBytes) {
      this.budgetExhausted();
      return false;
    }
    this.buffered += bytes;
    this.charged += charge;
    return true;
  }

  /** @internal for PreRouteTicket */
  giveBack(bytes: number, charged: number): void {
    this.buffered -= bytes;
    this.charged -= charged;
    this.live--;
  }

  /** @internal for PreRouteTicket: moves a connection to another address (its PROXY header's). */
  moveTo(from: Key | undefined, address: string): { ok: boolean; key: Key | undefined } {
    if (this.limits.perAddress === 0) return { ok: true, key: undefined };
    const key = clientKey(address);
    if (key === from) return { ok: true, key };
    if (!this.acquire(key, address)) return { ok: false, key: from };
    if (from !== undefined) this.release(from);
    return { ok: true, key };
  }

  private refusedForAddress(address: string, open: number): void {
    this.log.debug({ code: PER_IP_CODE, remote: address, open }, 'connection refused: max_pre_route_per_ip reached for this address');
    const suppressed = this.perAddressWarning.due();
    if (suppressed === undefined) return;
    this.log.warn(
      { remote: address, max: this.limits.perAddress, suppressed },
      'connections refused: one address holds max_pre_route_per_ip connections that have not been routed yet (idle or slow clients); raise it if many players share an address',
    );
  }

  private budgetExhausted(): void {
    const suppressed = this.budgetWarning.due();
    if (suppressed === undefined) return;
    this.log.warn(
      { budgetMiB: this.limits.budgetBytes / (1024 * 1024), connections: this.live, suppressed },
      'pre_route_memory_mb is used up: connections sending more than a handshake before being routed are closed',
    );
  }
}

/** One connection's hold on the guard: an address slot (maybe) and the bytes it buffered. */
export class PreRouteTicket {
  private held = 0;
  private charged = 0;
  private ended = false;

  constructor(
    private readonly guard: PreRouteGuard,
    private key: Key | undefined,
  ) {}

  /**
   * Accounts for `n` more buffered bytes. False when the shared budget cannot cover the part
   * beyond the allowance: nothing was taken, and the caller closes the connection.
   */
  take(n: number): boolean {
    if (this.ended) return true;
    const charge = Math.max(0, this.held + n - PRE_ROUTE_ALLOWANCE) - this.charged;
    if (!this.guard.take(n, charge)) return false;
    this.held += n;
    this.charged += charge;
    return true;
  }

  /**
   * Counts the connection under the client address its PROXY header named, instead of the peer's
   * (or for the first time, for a trusted load balancer's). False when that address is at its
   * cap: the ticket has then ended, and the caller closes the connection.
   */
  moveTo(address: string): boolean {
    if (this.ended) return true;
    const moved = this.guard.moveTo(this.key, address);
    this.key = moved.key;
    if (!moved.ok) this.end();
    return moved.ok;
  }

  /** Gives back the address slot and every byte, once; later calls do nothing. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.key !== undefined) this.guard.release(this.key);
    this.guard.giveBack(this.held, this.charged);
    this.held = 0;
    this.charged = 0;
  }
}
