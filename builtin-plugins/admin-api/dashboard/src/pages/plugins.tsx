/** Plugins: every discovered plugin, its state and error; reload one. */
import { useState } from 'preact/hooks';
import { enc, get, post, type PluginRow } from '../api.ts';
import { Badge, Button, Card, PageHead, message, toast, useData } from '../ui.tsx';

export function Plugins() {
  const plugins = useData(() => get<{ plugins: PluginRow[] }>('/plugins'));
  const [busy, setBusy] = useState<string>();
  const reload = async (id: string) => {
    setBusy(id);
    try {
      await post(`/plugins/${enc(id)}/reload`);
      toast(`Reloaded ${id}`);
    } catch (err) {
      toast(`${id}: ${message(err)}`, 'bad');
    } finally {
      setBusy(undefined);
      plugins.reload();
    }
  };
  const list = [...(plugins.data?.plugins ?? [])].sort((a, b) => a.id.localeCompare(b.id));
  const loaded = list.filter((p) => p.state === 'loaded').length;
  return (
    <>
      <PageHead title="Plugins" sub={plugins.data ? `${loaded} of ${list.length} loaded` : plugins.error ?? 'Loading…'} />
      <Card>
        <table class="table" aria-label="Plugins">
          <thead>
            <tr>
              <th>Plugin</th>
              <th>Version</th>
              <th>Source</th>
              <th>State</th>
              <th class="right">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr key={p.id}>
                <td data-label="Plugin">
                  <b>{p.id}</b>
                  {p.error !== null ? <small class="form-error">{p.error}</small> : null}
                </td>
                <td data-label="Version" class="mono">{p.version}</td>
                <td data-label="Source">{p.source}</td>
                <td data-label="State">
                  <Badge>{p.state}</Badge>
                </td>
                <td class="right actions">
                  <Button small busy={busy === p.id} disabled={p.id === 'admin-api' || busy !== undefined} title={p.id === 'admin-api' ? 'The admin API cannot reload itself; use the console' : undefined} onClick={() => reload(p.id)} aria-label={`Reload ${p.id}`}>
                    Reload
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
    </>
  );
}
