/** Bans: every active ban, add one, lift one, check whether a name or address is banned. */
import { useState } from 'preact/hooks';
import { del, enc, get, post, type Ban, type BanType } from '../api.ts';
import { ago, dateTime } from '../format.ts';
import { useLiveEvents } from '../live.ts';
import { Badge, Button, Card, Dialog, Empty, Field, PageHead, message, toast, useData } from '../ui.tsx';

const TYPES: { value: BanType; label: string }[] = [
  { value: 'username', label: 'Player name' },
  { value: 'uuid', label: 'UUID' },
  { value: 'ip', label: 'IP address' },
  { value: 'ip_range', label: 'IP range (CIDR)' },
];
const DURATIONS = [
  { label: 'Permanent', seconds: 0 },
  { label: '1 hour', seconds: 3600 },
  { label: '1 day', seconds: 86_400 },
  { label: '7 days', seconds: 7 * 86_400 },
  { label: '30 days', seconds: 30 * 86_400 },
];
const BAN_EVENTS = ['ban.created', 'ban.removed'];

export function BanDialog({ initial, address, onClose, onDone }: { initial?: { type: BanType; value: string }; address?: string; onClose: () => void; onDone?: () => void }) {
  const [type, setType] = useState<BanType>(initial?.type ?? 'username');
  const [value, setValue] = useState(initial?.value ?? '');
  const [reason, setReason] = useState('');
  const [seconds, setSeconds] = useState(0);
  return (
    <Dialog
      title={initial ? `Ban ${initial.value}` : 'Add a ban'}
      submit="Ban"
      danger
      onClose={onClose}
      onSubmit={async () => {
        await post('/bans', { target: { type, value: value.trim() }, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(seconds > 0 ? { duration_seconds: seconds } : {}) });
        toast(`Banned ${type} ${value.trim()}`);
        onDone?.();
      }}
    >
      <div class="field-row">
        <Field label="Ban by">
          <select name="type" value={type} onChange={(e) => {
            const t = e.currentTarget.value as BanType;
            setType(t);
            if (address !== undefined && t === 'ip') setValue(address.replace(/:\d+$/, ''));
            else if (initial !== undefined && t === initial.type) setValue(initial.value);
          }}>
            {TYPES.map((t) => (
              <option key={t.value} value={t.value}>{t.label}</option>
            ))}
          </select>
        </Field>
        <Field label="Target">
          <input name="value" required maxLength={128} value={value} onInput={(e) => setValue(e.currentTarget.value)} placeholder={type === 'ip_range' ? '203.0.113.0/24' : type === 'ip' ? '203.0.113.7' : type === 'uuid' ? '069a79f4-44e9-4726-a5be-fca90e38aaf5' : 'Notch'} />
        </Field>
      </div>
      <Field label="Reason" hint="Shown to the player when they try to join.">
        <input name="reason" maxLength={512} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </Field>
      <Field label="Duration">
        <select name="duration" value={seconds} onChange={(e) => setSeconds(Number(e.currentTarget.value))}>
          {DURATIONS.map((d) => (
            <option key={d.seconds} value={d.seconds}>{d.label}</option>
          ))}
        </select>
      </Field>
    </Dialog>
  );
}

function CheckForm() {
  const [type, setType] = useState<BanType>('username');
  const [value, setValue] = useState('');
  const [result, setResult] = useState<string>();
  const check = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await get<{ banned: boolean; ban: Ban | null }>(`/bans/check/${type}/${enc(value.trim())}`);
      setResult(r.banned && r.ban ? `Banned (${r.ban.target.type} ${r.ban.target.value}${r.ban.reason ? `: ${r.ban.reason}` : ''})` : 'Not banned');
    } catch (err) {
      setResult(message(err));
    }
  };
  return (
    <form class="toolbar" onSubmit={check}>
      <select aria-label="Check by" value={type} onChange={(e) => setType(e.currentTarget.value as BanType)}>
        {TYPES.filter((t) => t.value !== 'ip_range').map((t) => (
          <option key={t.value} value={t.value}>{t.label}</option>
        ))}
      </select>
      <input aria-label="Name, UUID or address to check" required value={value} onInput={(e) => setValue(e.currentTarget.value)} placeholder="Is this banned?" />
      <Button type="submit" small>Check</Button>
      {result !== undefined ? <span class="muted" role="status">{result}</span> : null}
    </form>
  );
}

export function Bans() {
  const bans = useData(() => get<{ bans: Ban[] }>('/bans'));
  const [adding, setAdding] = useState(false);
  const [lifting, setLifting] = useState<Ban>();
  useLiveEvents(BAN_EVENTS, bans.reload);
  const list = [...(bans.data?.bans ?? [])].sort((a, b) => b.created_at - a.created_at);
  return (
    <>
      <PageHead title="Bans" sub={bans.data ? `${list.length} active` : bans.error ?? 'Loading…'}>
        <Button variant="danger" onClick={() => setAdding(true)}>Add a ban</Button>
      </PageHead>
      <Card title="Check">
        <CheckForm />
      </Card>
      <Card>
        {bans.error !== undefined ? <p class="form-error" role="alert">{bans.error}</p> : null}
        {bans.data !== undefined && list.length === 0 ? (
          <Empty title="No active bans">Ban a player from the Players page, or add a name, UUID, address or range here.</Empty>
        ) : (
          <table class="table" aria-label="Active bans">
            <thead>
              <tr>
                <th>Target</th>
                <th>Reason</th>
                <th>Expires</th>
                <th>Added</th>
                <th class="right">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.map((b) => (
                <tr key={`${b.target.type}:${b.target.value}`}>
                  <td data-label="Target">
                    <Badge tone="muted">{b.target.type}</Badge> <b class="mono">{b.target.value}</b>
                  </td>
                  <td data-label="Reason">{b.reason ?? <span class="muted">none</span>}</td>
                  <td data-label="Expires">{b.expires_at === null ? 'never' : dateTime(b.expires_at * 1000)}</td>
                  <td data-label="Added">
                    {ago(b.created_at * 1000)} <span class="muted">via {b.source}</span>
                  </td>
                  <td class="right actions">
                    <Button small onClick={() => setLifting(b)} aria-label={`Unban ${b.target.value}`}>Unban</Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {adding ? <BanDialog onClose={() => setAdding(false)} onDone={bans.reload} /> : null}
      {lifting !== undefined ? (
        <Dialog
          title={`Unban ${lifting.target.value}`}
          submit="Unban"
          onClose={() => setLifting(undefined)}
          onSubmit={async () => {
            await del(`/bans/${lifting.target.type}/${enc(lifting.target.value)}`);
            toast(`Unbanned ${lifting.target.value}`);
            bans.reload();
          }}
        >
          <p>Lift the ban on {lifting.target.type} <b>{lifting.target.value}</b>? They can join again at once.</p>
        </Dialog>
      ) : null}
    </>
  );
}
