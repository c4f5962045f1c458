/**
 * `type = "pterodactyl"`: the panel's client API. Power signals go to
 * `POST /api/client/servers/{id}/power` (`{"signal":"start"|"stop"}`), the state comes from
 * `GET /api/client/servers/{id}/resources` (`attributes.current_state`), with the client API key
 * as a bearer token.
 */
import type { ServerState } from '../../../sdk/index.ts';
import { ManagerApiError, pick, requestJson } from '../http.ts';
import type { PanelManagerConfig } from '../options.ts';
import type { ManagerBackend } from './backend.ts';

const STATES: Record<string, ServerState> = { running: 'online', starting: 'starting', stopping: 'stopping', offline: 'sleeping' };

export function pterodactylBackend(config: PanelManagerConfig, http: { timeoutMs?: number } = {}): ManagerBackend {
  const base = `${config.api_url.replace(/\/+$/, '')}/api/client/servers/${encodeURIComponent(config.server_id)}`;
  const headers = { authorization: `Bearer ${config.api_key}` };
  const power = (signal: 'start' | 'stop', abort: AbortSignal) =>
    requestJson(`${base}/power`, { method: 'POST', headers, body: { signal }, signal: abort, timeoutMs: http.timeoutMs }).then(() => undefined);
  return {
    async probe(signal) {
      const body = await requestJson(`${base}/resources`, { headers, signal, timeoutMs: http.timeoutMs, attempts: 1 });
      const raw = pick(body, 'attributes.current_state');
      const state = typeof raw === 'string' ? STATES[raw] : undefined;
      if (state === undefined) throw new ManagerApiError(`unexpected answer from the panel: attributes.current_state is ${JSON.stringify(raw ?? null)}`);
      return { state };
    },
    start: (signal) => power('start', signal),
    stop: (signal) => power('stop', signal),
  };
}
