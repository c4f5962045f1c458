/**
 * `type = "crafty"`: Crafty Controller's API v2. Actions are
 * `POST /api/v2/servers/{id}/action/start_server|stop_server`, the state comes from
 * `GET /api/v2/servers/{id}/stats` (`data.running`, a boolean, and `data.crashed` where Crafty
 * sends it). Running tells nothing of readiness, so "starting" is inferred: after a start request
 * the server counts as starting until the stats say running.
 */
import { ManagerApiError, pick, requestJson } from '../http.ts';
import type { PanelManagerConfig } from '../options.ts';
import type { ManagerBackend } from './backend.ts';

export function craftyBackend(config: PanelManagerConfig, http: { timeoutMs?: number } = {}): ManagerBackend {
  const base = `${config.api_url.replace(/\/+$/, '')}/api/v2/servers/${encodeURIComponent(config.server_id)}`;
  const headers = { authorization: `Bearer ${config.api_key}` };
  let stopRequested = false;
  const action = async (name: 'start_server' | 'stop_server', signal: AbortSignal): Promise<void> => {
    const body = await requestJson(`${base}/action/${name}`, { method: 'POST', headers, signal, timeoutMs: http.timeoutMs });
    const status = pick(body, 'status');
    if (status !== undefined && status !== 'ok') throw new ManagerApiError(`Crafty refused ${name}: ${JSON.stringify(pick(body, 'error') ?? status)}`);
  };
  return {
    async probe(signal) {
      const body = await requestJson(`${base}/stats`, { headers, signal, timeoutMs: http.timeoutMs, attempts: 1 });
      const running = pick(body, 'data.running');
      if (typeof running !== 'boolean') throw new ManagerApiError(`unexpected answer from Crafty: data.running is ${JSON.stringify(running ?? null)}`);
      if (pick(body, 'data.crashed') === true) return { state: 'crashed', cause: 'Crafty reports the server crashed' };
      if (running) return { state: stopRequested ? 'stopping' : 'online' };
      stopRequested = false;
      return { state: 'sleeping' };
    },
    async start(signal) {
      stopRequested = false;
      await action('start_server', signal);
    },
    async stop(signal) {
      stopRequested = true;
      await action('stop_server', signal);
    },
  };
}
