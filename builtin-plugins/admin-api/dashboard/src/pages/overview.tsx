/** Overview: headline numbers, players per server over time, joins/pings/refusals per second, refusal reasons, servers and recent activity. */
import { get, type FeedEvent, type Server } from '../api.ts';
import { Bars, PALETTE, TimeChart, type Point } from '../chart.tsx';
import { ago, bytes, duration, rate } from '../format.ts';
import { useLive } from '../live.ts';
import { Badge, Card, Empty, PageHead, useData } from '../ui.tsx';
import { navigate } from '../router.ts';
import { describeEvent } from './events.tsx';

function Stat({ label, value, hint, tone }: { label: string; value: string; hint?: string; tone?: string }) {
  return (
    <div class={`stat${tone ? ` stat-${tone}` : ''}`}>
      <span class="stat-label">{label}</span>
      <span class="stat-value">{value}</span>
      {hint !== undefined ? <span class="stat-hint">{hint}</span> : null}
    </div>
  );
}

export function Overview() {
  const live = useLive();
  const s = live.stats;
  const servers = useData(() => get<{ servers: Server[] }>('/servers'), [live.events.filter((e) => e.type === 'server.state_change' || e.type === 'backend.health' || e.type === 'config.reload').length]);
  const last = live.rates.at(-1);

  const ids = [...new Set([...(servers.data?.servers.map((x) => x.id) ?? []), ...live.players.flatMap((p) => Object.keys(p.byServer))])].sort();
  const playerSeries = ids.map((id, i) => ({ label: id, color: PALETTE[i % PALETTE.length] }));
  const playerPoints: Point[] = live.players.map((p) => ({ t: p.t, values: ids.map((id) => p.byServer[id] ?? 0) }));
  const ratePoints: Point[] = live.rates.map((r) => ({ t: r.t, values: [r.joins, r.pings, r.refused] }));
  const reasons = Object.entries(s?.rejected_by_reason ?? {}).sort((a, b) => b[1] - a[1]).slice(0, 8);
  const refusals = live.events.filter((e) => e.type === 'connection.rejected').slice(0, 6);

  return (
    <>
      <PageHead title="Overview" sub={s !== undefined ? `Up ${duration(s.uptime_ms)} · ${s.servers} servers · ${s.connections} open connections` : 'Waiting for the first numbers…'} />
      <div class="stats">
        <Stat label="Players online" value={s ? String(s.players_online) : '–'} hint={s ? `${Object.keys(s.players_by_server).length} servers with players` : undefined} />
        <Stat label="Joins / s" value={last ? rate(last.joins) : '–'} hint={s ? `${s.joins_total.toLocaleString()} since start` : undefined} />
        <Stat label="Pings / s" value={last ? rate(last.pings) : '–'} hint={s?.pings_total !== undefined ? `${s.pings_total.toLocaleString()} since start` : undefined} />
        <Stat label="Refused" value={s ? s.rejected_total.toLocaleString() : '–'} hint={last ? `${rate(last.refused)} / s now` : undefined} tone={s && s.rejected_total > 0 ? 'warn' : undefined} />
        <Stat label="Memory" value={s ? bytes(s.memory.rss) : '–'} hint={s ? `heap ${bytes(s.memory.heap_used)}` : undefined} />
      </div>
      <div class="grid-2">
        <Card title="Players online by server" class="span-2">
          {playerSeries.length === 0 ? <Empty title="No servers yet">Add a server file to servers/ and it appears here.</Empty> : <TimeChart label="Players online by server" series={playerSeries} points={playerPoints} stacked step integer minMax={4} format={(n) => String(Math.round(n))} />}
        </Card>
        <Card title="Traffic per second">
          <TimeChart label="Joins, pings and refusals per second" series={[{ label: 'Joins', color: PALETTE[1] }, { label: 'Pings', color: PALETTE[0] }, { label: 'Refused', color: PALETTE[4] }]} points={ratePoints} minMax={1} format={rate} height={200} />
        </Card>
        <Card title="Connections refused, by reason">
          {reasons.length === 0 ? <Empty title="Nothing refused">Bans, rate limits and IP filters show up here with their reason.</Empty> : <Bars items={reasons} format={(n) => n.toLocaleString()} />}
          {refusals.length > 0 ? (
            <ul class="mini-list">
              {refusals.map((e) => (
                <li key={e.id}>
                  <code>{String(e.data.remote_address)}</code>
                  <span class="muted">{String(e.data.reason)}</span>
                  <time class="muted">{ago(e.time)}</time>
                </li>
              ))}
            </ul>
          ) : null}
        </Card>
        <Card title="Servers" actions={<a class="link-btn" href="/servers" onClick={(e) => (e.preventDefault(), navigate('/servers'))}>All servers →</a>}>
          {servers.data === undefined ? <p class="muted">{servers.error ?? 'Loading…'}</p> : servers.data.servers.length === 0 ? <Empty title="No servers configured" /> : (
            <ul class="server-mini">
              {servers.data.servers.map((x) => {
                const healthy = x.health.length === 0 || x.health.some((h) => h.healthy);
                return (
                  <li key={x.id}>
                    <span class={`dot ${healthy ? 'dot-ok' : 'dot-bad'}`} title={healthy ? 'reachable' : 'no healthy address'} />
                    <b>{x.id}</b>
                    <span class="muted hide-sm">{x.domains[0] ?? ''}</span>
                    <span class="grow" />
                    {x.state !== null ? <Badge>{x.state}</Badge> : null}
                    <span class="count">{s?.players_by_server[x.id] ?? x.players} online</span>
                  </li>
                );
              })}
            </ul>
          )}
        </Card>
        <Card title="Recent activity">
          {live.events.length === 0 ? <Empty title="Quiet so far">Joins, leaves, bans and server changes appear here as they happen.</Empty> : <EventList events={live.events.slice(0, 10)} />}
        </Card>
      </div>
    </>
  );
}

function EventList({ events }: { events: FeedEvent[] }) {
  return (
    <ul class="events">
      {events.map((e) => {
        const d = describeEvent(e);
        return (
          <li key={e.id}>
            <span class={`ev-icon ev-${d.tone}`} aria-hidden="true" />
            <span class="ev-text">{d.text}</span>
            <time class="muted" dateTime={new Date(e.time).toISOString()}>{ago(e.time)}</time>
          </li>
        );
      })}
    </ul>
  );
}
