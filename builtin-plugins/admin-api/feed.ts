/**
 * The live feed: proxy events turned into the API's event records (v2's names: `player.join`,
 * `player.leave`, `player.switch`, `server.state_change`, `config.reload`, `stats.tick`, plus
 * `ban.created`, `ban.removed`, `backend.health`, `connection.rejected`), kept in a ring of the
 * newest 100 for /events/recent and pushed to SSE clients, with the counters /stats reports.
 */
import type { PluginContext } from 'infrarust/sdk';
import type { SseHub } from './sse.ts';

export interface FeedEvent {
  id: number;
  type: string;
  /** Epoch milliseconds. */
  time: number;
  data: Record<string, unknown>;
}

export const RECENT_CAPACITY = 100;

export class Feed {
  private readonly recentRing: FeedEvent[] = [];
  private nextId = 1;
  /** Connections that already had their `player.join` (cleared on leave). */
  private readonly joined = new Set<number>();
  readonly counters = { joins: 0, leaves: 0, switches: 0, pings: 0, rejected: 0, rejectedBy: {} as Record<string, number> };

  constructor(private readonly hub: SseHub) {}

  publish(type: string, data: Record<string, unknown>): void {
    const event: FeedEvent = { id: this.nextId++, type, time: Date.now(), data };
    this.recentRing.push(event);
    if (this.recentRing.length > RECENT_CAPACITY) this.recentRing.shift();
    this.hub.send(type, event, event.id);
  }

  recent(limit = RECENT_CAPACITY, types?: ReadonlySet<string>): FeedEvent[] {
    const list = types === undefined ? this.recentRing : this.recentRing.filter((e) => types.has(e.type));
    return list.slice(-limit);
  }

  /** Subscribes to the proxy's events (owned by the plugin: undone on unload). */
  wire(ctx: PluginContext): void {
    const ev = ctx.events;
    ev.on('ServerConnected', (e) => {
      if (this.joined.has(e.player.connectionId)) return;
      this.joined.add(e.player.connectionId);
      this.counters.joins++;
      this.publish('player.join', { ...playerData(e.player), server: e.serverId, backend: e.backend });
    });
    ev.on('Disconnect', (e) => {
      if (!this.joined.delete(e.player.connectionId)) return;
      this.counters.leaves++;
      this.publish('player.leave', { ...playerData(e.player), server: e.serverId ?? null });
    });
    // Counted only (no event record): the dashboard charts pings per second from stats.tick.
    ev.on('ProxyPing', () => {
      this.counters.pings++;
    });
    ev.on('ServerSwitch', (e) => {
      this.counters.switches++;
      this.publish('player.switch', { ...playerData(e.player), from: e.previous, to: e.next });
    });
    ev.on('ServerStateChange', (e) => this.publish('server.state_change', { server: e.serverId, previous: e.previous, next: e.next }));
    ev.on('BackendHealthChange', (e) => this.publish('backend.health', { server: e.serverId, address: e.address, healthy: e.healthy, reason: e.reason }));
    ev.on('ConfigReload', (e) => this.publish('config.reload', { servers: e.servers }));
    // Every ban change, whatever made it (API, console, another plugin, expiry): the ban plugin fires BanChange.
    ev.on('BanChange', (e) => {
      const ban = { ...e.ban, target: { ...e.ban.target } };
      if (e.action === 'ban') this.publish('ban.created', ban);
      else this.publish('ban.removed', { ...ban, removed_by: e.by, expired: e.action === 'expired' });
    });
    ev.on('ConnectionRejected', (e) => {
      this.counters.rejected++;
      const by = this.counters.rejectedBy;
      const reason = e.reason.length <= 40 ? e.reason : 'other';
      if (reason in by || Object.keys(by).length < 32) by[reason] = (by[reason] ?? 0) + 1;
      this.publish('connection.rejected', { remote_address: e.conn.remoteAddress, reason: e.reason });
    });
  }
}

function playerData(p: { connectionId: number; username: string; uuid?: string; remoteAddress: string; protocolVersion: number }) {
  return { connection_id: p.connectionId, username: p.username, uuid: p.uuid ?? null, remote_address: p.remoteAddress, protocol_version: p.protocolVersion };
}
