/** Servers: each server's state, address health and players; start/stop for managed ones. */
import { useEffect, useState } from 'preact/hooks';
import { enc, get, post, type Server } from '../api.ts';
import { ago } from '../format.ts';
import { useLive, useLiveEvents } from '../live.ts';
import { Badge, Button, Card, Empty, PageHead, message, toast, useData } from '../ui.tsx';

const SERVER_EVENTS = ['server.state_change', 'backend.health', 'config.reload'];

function ServerCard({ s, online, reload }: { s: Server; online: number; reload: () => void }) {
  const [busy, setBusy] = useState<'start' | 'stop'>();
  const healthy = s.health.length === 0 || s.health.some((h) => h.healthy);
  const act = async (what: 'start' | 'stop') => {
    setBusy(what);
    try {
      const r = await post<{ state: string }>(`/servers/${enc(s.id)}/${what}`);
      toast(`${s.id}: ${what} requested (${r.state})`);
      reload();
    } catch (err) {
      toast(`${s.id}: ${message(err)}`, 'bad');
    } finally {
      setBusy(undefined);
    }
  };
  const running = s.state === 'online' || s.state === 'starting';
  return (
    <Card
      class="server"
      title={
        <span class="server-title">
          <span class={`dot ${healthy ? 'dot-ok' : 'dot-bad'}`} />
          {s.id}
        </span>
      }
      actions={s.state !== null ? <Badge>{s.state}</Badge> : <Badge tone={healthy ? 'ok' : 'bad'}>{healthy ? 'reachable' : 'unreachable'}</Badge>}
    >
      <dl class="facts">
        <div>
          <dt>Players</dt>
          <dd>{online}</dd>
        </div>
        <div>
          <dt>Connections</dt>
          <dd>{s.connections}</dd>
        </div>
        <div>
          <dt>Mode</dt>
          <dd>{s.proxy_mode}</dd>
        </div>
        <div>
          <dt>Balance</dt>
          <dd>{s.balance ?? 'first'}</dd>
        </div>
      </dl>
      <p class="domains">
        {s.domains.map((d) => (
          <code key={d}>{d}</code>
        ))}
      </p>
      <ul class="health">
        {(s.health.length > 0 ? s.health : s.addresses.map((a) => ({ address: a, healthy: true, connections: 0, reason: '', weight: 1 }))).map((h) => (
          <li key={h.address}>
            <span class={`dot ${h.healthy ? 'dot-ok' : 'dot-bad'}`} />
            <span class="mono">{h.address}</span>
            <span class="muted grow">{h.healthy ? '' : h.reason}</span>
            <span class="muted">{h.connections} conn.</span>
          </li>
        ))}
      </ul>
      {s.managed !== null ? (
        <div class="managed">
          <span class="muted">
            Managed ({s.managed.type}) · {s.state} {ago(s.managed.since)}
            {s.managed.last_error ? <span class="form-error"> · {s.managed.last_error}</span> : null}
          </span>
          <div class="card-actions">
            <Button small variant="primary" busy={busy === 'start'} disabled={running || busy !== undefined} onClick={() => act('start')} aria-label={`Start ${s.id}`}>Start</Button>
            <Button small variant="danger" busy={busy === 'stop'} disabled={!running || busy !== undefined} onClick={() => act('stop')} aria-label={`Stop ${s.id}`}>Stop</Button>
          </div>
        </div>
      ) : null}
    </Card>
  );
}

export function Servers() {
  const servers = useData(() => get<{ servers: Server[] }>('/servers'));
  const live = useLive();
  useLiveEvents(SERVER_EVENTS, servers.reload);
  useEffect(() => {
    const t = setInterval(servers.reload, 15_000);
    return () => clearInterval(t);
  }, []);
  const list = servers.data?.servers ?? [];
  return (
    <>
      <PageHead title="Servers" sub={servers.data ? `${list.length} configured` : servers.error ?? 'Loading…'} />
      {servers.data !== undefined && list.length === 0 ? (
        <Card>
          <Empty title="No servers configured">Add a file to servers/ (see docs/configuration.md); the proxy picks it up without a restart.</Empty>
        </Card>
      ) : (
        <div class="server-grid">
          {list.map((s) => (
            <ServerCard key={s.id} s={s} online={live.stats?.players_by_server[s.id] ?? s.players} reload={servers.reload} />
          ))}
        </div>
      )}
    </>
  );
}
