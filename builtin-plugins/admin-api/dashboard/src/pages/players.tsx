/** Players: who is online where, live; kick, ban, message and move them. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { get, post, type FeedEvent, type Player, type Server } from '../api.ts';
import { protocol } from '../format.ts';
import { Icon } from '../icons.tsx';
import { useLiveEvents } from '../live.ts';
import { Badge, Button, Card, Dialog, Empty, Field, PageHead, toast, useData } from '../ui.tsx';
import { BanDialog } from './bans.tsx';

const PER_PAGE = 100;
const PLAYER_EVENTS = ['player.join', 'player.leave', 'player.switch'];

type Action = { kind: 'kick' | 'ban' | 'message' | 'send'; player: Player };

function Avatar({ name }: { name: string }) {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 360;
  return <span class="avatar" style={{ background: `hsl(${h} 55% 42%)` }} aria-hidden="true">{name.slice(0, 2).toUpperCase()}</span>;
}

export function Players() {
  const [search, setSearch] = useState('');
  const [server, setServer] = useState('');
  const [page, setPage] = useState(1);
  const [rows, setRows] = useState<Player[]>();
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string>();
  const [action, setAction] = useState<Action>();
  const servers = useData(() => get<{ servers: Server[] }>('/servers'));
  const timer = useRef<ReturnType<typeof setTimeout>>();

  const load = useCallback(async () => {
    const q = new URLSearchParams({ page: String(page), per_page: String(PER_PAGE) });
    if (search.trim() !== '') q.set('search', search.trim());
    if (server !== '') q.set('server', server);
    try {
      const r = await get<{ players: Player[]; total: number }>(`/players?${q}`);
      setRows(r.players);
      setTotal(r.total);
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [search, server, page]);

  useEffect(() => {
    void load();
  }, [load]);

  // Live: apply the event at once, then reload the page of rows shortly after (one request for a burst).
  const onEvent = useCallback(
    (e: FeedEvent) => {
      const d = e.data as { connection_id: number; username: string; uuid: string | null; remote_address: string; protocol_version: number; server?: string; to?: string };
      setRows((list = []) => {
        if (e.type === 'player.leave') return list.filter((p) => p.connection_id !== d.connection_id);
        if (e.type === 'player.switch') return list.map((p) => (p.connection_id === d.connection_id ? { ...p, server: d.to ?? p.server } : p));
        if (list.some((p) => p.connection_id === d.connection_id) || (server !== '' && d.server !== server) || !d.username.toLowerCase().startsWith(search.trim().toLowerCase())) return list;
        return [...list, { connection_id: d.connection_id, username: d.username, uuid: d.uuid, server: d.server ?? null, mode: 'unknown' as const, verified: false, protocol_version: d.protocol_version, remote_address: d.remote_address }].sort((a, b) => a.username.localeCompare(b.username));
      });
      if (e.type === 'player.join') setTotal((n) => n + 1);
      if (e.type === 'player.leave') setTotal((n) => Math.max(0, n - 1));
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void load(), 1500);
    },
    [load, server, search],
  );
  useLiveEvents(PLAYER_EVENTS, onEvent);
  useEffect(() => () => clearTimeout(timer.current), []);

  const pages = Math.max(1, Math.ceil(total / PER_PAGE));
  const serverIds = servers.data?.servers.map((s) => s.id) ?? [];

  return (
    <>
      <PageHead title="Players" sub={rows === undefined ? 'Loading…' : `${total} online${server !== '' ? ` on ${server}` : ''}`} />
      <Card>
        <div class="toolbar">
          <label class="search">
            <Icon name="search" size={16} />
            <input type="search" placeholder="Search by name" aria-label="Search players by name" value={search} onInput={(e) => (setSearch(e.currentTarget.value), setPage(1))} />
          </label>
          <select aria-label="Filter by server" value={server} onChange={(e) => (setServer(e.currentTarget.value), setPage(1))}>
            <option value="">All servers</option>
            {serverIds.map((id) => (
              <option key={id} value={id}>{id}</option>
            ))}
          </select>
          <Button small variant="ghost" onClick={() => void load()} aria-label="Refresh">
            <Icon name="refresh" size={16} />
          </Button>
        </div>
        {error !== undefined ? <p class="form-error" role="alert">{error}</p> : null}
        {rows !== undefined && rows.length === 0 ? (
          <Empty title={search || server ? 'No player matches' : 'Nobody is online'}>{search || server ? 'Try another name or server.' : 'Players appear here the moment they join.'}</Empty>
        ) : (
          <table class="table" aria-label="Players online">
            <thead>
              <tr>
                <th>Player</th>
                <th>Server</th>
                <th>Mode</th>
                <th>Version</th>
                <th>Address</th>
                <th class="right">Actions</th>
              </tr>
            </thead>
            <tbody>
              {(rows ?? []).map((p) => (
                <tr key={p.connection_id} data-player={p.username}>
                  <td data-label="Player">
                    <div class="who">
                      <Avatar name={p.username} />
                      <div>
                        <b>{p.username}</b>
                        <small class="muted mono">{p.uuid ?? `connection ${p.connection_id}`}</small>
                      </div>
                    </div>
                  </td>
                  <td data-label="Server">{p.server ?? <span class="muted">limbo</span>}</td>
                  <td data-label="Mode">{p.mode === 'unknown' ? <span class="muted">…</span> : <Badge>{p.mode}</Badge>}{p.verified ? <span class="verified" title="Verified with Mojang">✓</span> : null}</td>
                  <td data-label="Version">{protocol(p.protocol_version)}</td>
                  <td data-label="Address" class="mono">{p.remote_address}</td>
                  <td class="right actions">
                    <Button small variant="ghost" onClick={() => setAction({ kind: 'message', player: p })} aria-label={`Message ${p.username}`} disabled={p.mode === 'passthrough'} title={p.mode === 'passthrough' ? 'Passthrough players cannot be messaged' : undefined}>Message</Button>
                    <Button small variant="ghost" onClick={() => setAction({ kind: 'send', player: p })} aria-label={`Send ${p.username} to another server`} disabled={p.mode === 'passthrough'}>Send</Button>
                    <Button small onClick={() => setAction({ kind: 'kick', player: p })} aria-label={`Kick ${p.username}`}>Kick</Button>
                    <Button small variant="danger" onClick={() => setAction({ kind: 'ban', player: p })} aria-label={`Ban ${p.username}`}>Ban</Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {pages > 1 ? (
          <div class="pager">
            <Button small disabled={page <= 1} onClick={() => setPage(page - 1)}>Previous</Button>
            <span class="muted">Page {page} of {pages}</span>
            <Button small disabled={page >= pages} onClick={() => setPage(page + 1)}>Next</Button>
          </div>
        ) : null}
      </Card>
      {action?.kind === 'kick' ? <KickDialog player={action.player} onClose={() => setAction(undefined)} onDone={load} /> : null}
      {action?.kind === 'message' ? <MessageDialog player={action.player} onClose={() => setAction(undefined)} /> : null}
      {action?.kind === 'send' ? <SendDialog player={action.player} servers={serverIds} onClose={() => setAction(undefined)} onDone={load} /> : null}
      {action?.kind === 'ban' ? <BanDialog initial={{ type: 'username', value: action.player.username }} address={action.player.remote_address} onClose={() => setAction(undefined)} onDone={load} /> : null}
    </>
  );
}

function KickDialog({ player, onClose, onDone }: { player: Player; onClose: () => void; onDone: () => void }) {
  const [reason, setReason] = useState('Kicked by an operator');
  return (
    <Dialog
      title={`Kick ${player.username}`}
      submit="Kick"
      danger
      onClose={onClose}
      onSubmit={async () => {
        const r = await post<{ shown_reason: boolean }>(`/players/${player.connection_id}/kick`, { reason });
        toast(r.shown_reason ? `Kicked ${player.username}` : `Disconnected ${player.username} (a passthrough player does not see the reason)`);
        onDone();
      }}
    >
      <Field label="Reason" hint="Shown to the player on the disconnect screen.">
        <input name="reason" required maxLength={1024} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </Field>
    </Dialog>
  );
}

function MessageDialog({ player, onClose }: { player: Player; onClose: () => void }) {
  const [text, setText] = useState('');
  return (
    <Dialog
      title={`Message ${player.username}`}
      submit="Send message"
      onClose={onClose}
      onSubmit={async () => {
        await post(`/players/${player.connection_id}/message`, { message: text });
        toast(`Message sent to ${player.username}`);
      }}
    >
      <Field label="Message">
        <textarea name="message" required maxLength={1024} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
    </Dialog>
  );
}

function SendDialog({ player, servers, onClose, onDone }: { player: Player; servers: string[]; onClose: () => void; onDone: () => void }) {
  const others = servers.filter((s) => s !== player.server);
  const [to, setTo] = useState(others[0] ?? '');
  return (
    <Dialog
      title={`Send ${player.username} to another server`}
      submit="Send"
      onClose={onClose}
      onSubmit={async () => {
        await post(`/players/${player.connection_id}/send`, { server: to });
        toast(`${player.username} is moving to ${to}`);
        onDone();
      }}
    >
      <Field label="Server">
        <select name="server" required value={to} onChange={(e) => setTo(e.currentTarget.value)}>
          {others.map((s) => (
            <option key={s} value={s}>{s}</option>
          ))}
        </select>
      </Field>
    </Dialog>
  );
}
