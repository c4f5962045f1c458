/** Broadcast: a chat message to every intercepted player, or to one server's. */
import { useState } from 'preact/hooks';
import { get, post, type Server } from '../api.ts';
import { Dialog, Field, toast, useData } from '../ui.tsx';

export function BroadcastDialog({ onClose }: { onClose: () => void }) {
  const [text, setText] = useState('');
  const [server, setServer] = useState('');
  const servers = useData(() => get<{ servers: Server[] }>('/servers'));
  return (
    <Dialog
      title="Broadcast a message"
      submit="Broadcast"
      onClose={onClose}
      onSubmit={async () => {
        const r = await post<{ sent: number; skipped: number }>('/players/broadcast', { message: text, ...(server ? { server } : {}) });
        toast(`Sent to ${r.sent} player${r.sent === 1 ? '' : 's'}${r.skipped > 0 ? ` (${r.skipped} passthrough players skipped)` : ''}`);
      }}
    >
      <Field label="Message" hint="Reaches players in intercepted modes; passthrough players cannot be messaged.">
        <textarea name="message" required maxLength={1024} rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </Field>
      <Field label="To">
        <select name="server" value={server} onChange={(e) => setServer(e.currentTarget.value)}>
          <option value="">Every server</option>
          {(servers.data?.servers ?? []).map((s) => (
            <option key={s.id} value={s.id}>{s.id}</option>
          ))}
        </select>
      </Field>
    </Dialog>
  );
}
