/**
 * The kernel's counters (`ctx.proxy.stats()`) as Prometheus metrics, read once per scrape: relay
 * bytes, players held in limbo, status cache answers, event listener calls and time. The proxy
 * keeps them whether or not this plugin runs, so exposing them costs nothing between scrapes.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { PluginContext, ProxyStats } from 'infrarust/sdk';

export function registerKernelStats(ctx: PluginContext, registry: Registry): void {
  const r = [registry];
  // One stats() per scrape: prom-client runs every collect() of a scrape in the same tick, so the
  // first one reads and the snapshot is dropped on the next turn of the event loop.
  let snapshot: ProxyStats | undefined;
  const stats = (): ProxyStats => {
    if (snapshot === undefined) {
      snapshot = ctx.proxy.stats();
      setImmediate(() => (snapshot = undefined));
    }
    return snapshot;
  };
  /** A counter whose value is the kernel's: reset, then set to the total. */
  const mirror = (name: string, help: string, labelNames: string[], values: (s: ProxyStats) => [Record<string, string>, number][]) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: r,
      collect() {
        this.reset();
        for (const [labels, v] of values(stats())) this.inc(labels, v);
      },
    });
  mirror('infrarust_relay_bytes_total', 'Bytes of passthrough relays exchanged with backends: up = client to backend (replayed handshake included), down = backend to client. JS relays live, native (splice) relays when they end', ['direction'], (s) => [
    [{ direction: 'up' }, s.relay.bytesUp],
    [{ direction: 'down' }, s.relay.bytesDown],
  ]);
  mirror('infrarust_status_cache_requests_total', 'Server-list answers of routed servers by source: hit (cache), stale (expired entry served while refreshing), miss (backend asked or failed)', ['result'], (s) => [
    [{ result: 'hit' }, s.statusCache.hits],
    [{ result: 'stale' }, s.statusCache.stale],
    [{ result: 'miss' }, s.statusCache.misses],
  ]);
  const perListener = (pick: (t: ProxyStats['events'][number]) => number) => (s: ProxyStats): [Record<string, string>, number][] =>
    s.events.map((t) => [{ plugin: t.plugin, event: t.event }, pick(t)]);
  mirror('infrarust_event_listener_calls_total', 'Event listener calls by plugin and event', ['plugin', 'event'], perListener((t) => t.calls));
  mirror('infrarust_event_listener_async_calls_total', 'Listener calls that returned a promise (each timed)', ['plugin', 'event'], perListener((t) => t.asyncCalls));
  mirror('infrarust_event_listener_async_seconds_total', 'Time from call to settle of promise-returning listener calls', ['plugin', 'event'], perListener((t) => t.asyncSeconds));
  mirror('infrarust_event_listener_sync_sampled_calls_total', 'Synchronous listener calls timed (1 in 64)', ['plugin', 'event'], perListener((t) => t.syncSampled));
  mirror('infrarust_event_listener_sync_sampled_seconds_total', 'Time of the sampled synchronous listener calls', ['plugin', 'event'], perListener((t) => t.syncSampledSeconds));
  new Gauge({
    name: 'infrarust_status_cache_entries',
    help: 'Answers in the status cache now',
    registers: r,
    collect() {
      this.set(stats().statusCache.entries);
    },
  });
  new Gauge({
    name: 'infrarust_limbo_players',
    help: 'Players held in the limbo world now',
    registers: r,
    collect() {
      this.set(stats().limbo.held);
    },
  });
  new Gauge({
    name: 'infrarust_limbo_players_by_handler',
    help: 'Players held in the limbo world now, by the handler holding them ($limbo: a plain hold)',
    labelNames: ['handler'],
    registers: r,
    collect() {
      this.reset();
      for (const [handler, n] of Object.entries(stats().limbo.byHandler)) this.set({ handler }, n);
    },
  });
}
