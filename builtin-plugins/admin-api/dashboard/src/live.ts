/**
 * The live view of the proxy: one EventSource on /api/v1/events (opened with a fresh 60 s token
 * each time, so the key never goes into a URL), the latest stats, time series for the charts and
 * the newest events. Pages read it through useLive() and may listen to single event types.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, streamUrl, type FeedEvent, type Stats } from './api.ts';

export interface PlayerSample {
  t: number;
  total: number;
  byServer: Record<string, number>;
}

export interface RateSample {
  t: number;
  joins: number;
  pings: number;
  refused: number;
}

export type LinkState = 'connecting' | 'live' | 'reconnecting';

/** 30 minutes of 5 s ticks (plus the points joins and leaves add between ticks). */
const PLAYER_POINTS = 720;
const RATE_POINTS = 360;
const EVENTS_KEPT = 200;
const EVENT_TYPES = ['player.join', 'player.leave', 'player.switch', 'server.state_change', 'backend.health', 'ban.created', 'ban.removed', 'config.reload', 'connection.rejected'];

type Listener = (e: FeedEvent) => void;

class Live {
  link: LinkState = 'connecting';
  stats: Stats | undefined;
  players: PlayerSample[] = [];
  rates: RateSample[] = [];
  /** Newest first. */
  events: FeedEvent[] = [];
  version = 0;
  private source: EventSource | undefined;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private backoffMs = 1000;
  private running = false;
  private readonly watchers = new Set<() => void>();
  private readonly typed = new Map<string, Set<Listener>>();

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.seed();
    void this.open();
  }

  stop(): void {
    this.running = false;
    clearTimeout(this.retry);
    this.source?.close();
    this.source = undefined;
    this.stats = undefined;
    this.players = [];
    this.rates = [];
    this.events = [];
    this.link = 'connecting';
    this.changed();
  }

  watch(f: () => void): () => void {
    this.watchers.add(f);
    return () => this.watchers.delete(f);
  }

  /** Calls `f` for each live event of these types. */
  on(types: string[], f: Listener): () => void {
    for (const t of types) (this.typed.get(t) ?? this.typed.set(t, new Set()).get(t)!).add(f);
    return () => types.forEach((t) => this.typed.get(t)?.delete(f));
  }

  private async seed(): Promise<void> {
    try {
      const [stats, recent] = await Promise.all([get<Stats>('/stats'), get<{ events: FeedEvent[] }>('/events/recent?n=100')]);
      const seen = new Set(this.events.map((e) => e.id));
      this.events = [...this.events, ...recent.events.filter((e) => !seen.has(e.id)).reverse()].slice(0, EVENTS_KEPT);
      if (this.stats === undefined) this.tick(stats);
      else this.changed();
    } catch {
      // the stream's first tick fills in
    }
  }

  private async open(): Promise<void> {
    if (!this.running) return;
    let url: string;
    try {
      url = await streamUrl('/events');
    } catch {
      return this.reconnect();
    }
    if (!this.running) return;
    const es = new EventSource(url);
    this.source = es;
    es.onopen = () => {
      this.backoffMs = 1000;
      this.setLink('live');
    };
    // The token expires after 60 s: on any failure, open a new stream with a new token.
    es.onerror = () => {
      es.close();
      if (this.source === es) this.reconnect();
    };
    es.addEventListener('stats.tick', (m) => this.tick(JSON.parse((m as MessageEvent<string>).data) as Stats));
    for (const type of EVENT_TYPES) es.addEventListener(type, (m) => this.event(JSON.parse((m as MessageEvent<string>).data) as FeedEvent));
  }

  private reconnect(): void {
    this.source = undefined;
    if (!this.running) return;
    this.setLink('reconnecting');
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.open(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
  }

  private setLink(link: LinkState): void {
    if (this.link === link) return;
    this.link = link;
    this.changed();
  }

  private tick(s: Stats): void {
    const prev = this.stats;
    this.stats = s;
    this.pushPlayers(s.time, s.players_online, s.players_by_server);
    if (prev !== undefined && s.time > prev.time) {
      const dt = (s.time - prev.time) / 1000;
      const rate = (a: number, b: number) => Math.max(0, (a - b) / dt);
      push(this.rates, { t: s.time, joins: rate(s.joins_total, prev.joins_total), pings: rate(s.pings_total ?? 0, prev.pings_total ?? 0), refused: rate(s.rejected_total, prev.rejected_total) }, RATE_POINTS);
    }
    this.changed();
  }

  private event(e: FeedEvent): void {
    if (this.events.some((x) => x.id === e.id)) return;
    this.events = [e, ...this.events].slice(0, EVENTS_KEPT);
    const s = this.stats;
    if (s !== undefined && (e.type === 'player.join' || e.type === 'player.leave' || e.type === 'player.switch')) this.applyPlayerEvent(s, e);
    if (s !== undefined && e.type === 'connection.rejected') {
      const reason = String(e.data.reason ?? 'other');
      s.rejected_total++;
      s.rejected_by_reason = { ...s.rejected_by_reason, [reason]: (s.rejected_by_reason[reason] ?? 0) + 1 };
    }
    for (const f of this.typed.get(e.type) ?? []) f(e);
    this.changed();
  }

  /** Players online move at once on join/leave/switch, not only at the next tick. */
  private applyPlayerEvent(s: Stats, e: FeedEvent): void {
    const by = { ...s.players_by_server };
    const add = (server: unknown, n: number) => {
      if (typeof server !== 'string') return;
      by[server] = Math.max(0, (by[server] ?? 0) + n);
      if (by[server] === 0) delete by[server];
    };
    if (e.type === 'player.join') (s.players_online++, add(e.data.server, 1));
    if (e.type === 'player.leave') (s.players_online = Math.max(0, s.players_online - 1), add(e.data.server, -1));
    if (e.type === 'player.switch') (add(e.data.from, -1), add(e.data.to, 1));
    s.players_by_server = by;
    this.pushPlayers(Math.max(e.time, this.players.at(-1)?.t ?? 0), s.players_online, by);
  }

  private pushPlayers(t: number, total: number, byServer: Record<string, number>): void {
    push(this.players, { t, total, byServer: { ...byServer } }, PLAYER_POINTS);
  }

  private changed(): void {
    this.version++;
    for (const f of this.watchers) f();
  }
}

function push<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

export const live = new Live();

/** Re-renders the component whenever the live view changes. */
export function useLive(): Live {
  const [, setVersion] = useState(0);
  useEffect(() => live.watch(() => setVersion(live.version)), []);
  return live;
}

/** Runs `f` for live events of these types while the component is mounted. */
export function useLiveEvents(types: string[], f: Listener): void {
  useEffect(() => live.on(types, f), [types.join(','), f]);
}
