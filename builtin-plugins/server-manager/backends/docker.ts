/**
 * `type = "docker"`: a container by name or id, through the Docker Engine API. State from
 * `GET /containers/{id}/json` (`State.Status`, `State.Health`, the exit code), kept fresh by the
 * `/events` stream (a container event triggers a probe at once; a broken stream is reopened with
 * backoff); start is `POST /containers/{id}/start` (or `/unpause` when paused), stop is
 * `POST /containers/{id}/stop?t=<shutdown_timeout in s>`.
 */
import { ManagerApiError, pick, sleep } from '../http.ts';
import type { DockerManagerConfig } from '../options.ts';
import type { ManagerBackend, Observation } from './backend.ts';
import { dockerClient, type DockerClient } from './docker-client.ts';

const MAX_STREAM_BACKOFF_MS = 60_000;

export function dockerBackend(config: DockerManagerConfig, options: { timeoutMs?: number; client?: DockerClient } = {}): ManagerBackend {
  const client = options.client ?? dockerClient(config.docker_host);
  const id = encodeURIComponent(config.container);
  let stopRequested = false;
  let paused = false;
  const expect = async (method: 'GET' | 'POST', path: string, ok: number[], signal: AbortSignal, timeoutMs?: number): Promise<unknown> => {
    const { status, body } = await client.call(method, path, { signal, timeoutMs: timeoutMs ?? options.timeoutMs });
    if (ok.includes(status)) return body;
    const message = pick(body, 'message');
    throw new ManagerApiError(`Docker answered HTTP ${status} to ${method} ${path.split('?')[0]}${typeof message === 'string' ? `: ${message}` : ''}`, status);
  };
  return {
    async probe(signal) {
      const body = await expect('GET', `/containers/${id}/json`, [200], signal);
      const o = observe(body, stopRequested);
      paused = pick(body, 'State.Status') === 'paused';
      if (o.state === 'sleeping' || o.state === 'crashed') stopRequested = false;
      return o;
    },
    async start(signal) {
      stopRequested = false;
      // 304: already started; an unpause of a running container answers 409, so ask the state first.
      if (paused) await expect('POST', `/containers/${id}/unpause`, [204], signal);
      else await expect('POST', `/containers/${id}/start`, [204, 304], signal);
    },
    async stop(signal) {
      stopRequested = true;
      const seconds = Math.ceil(config.shutdown_timeout / 1000);
      await expect('POST', `/containers/${id}/stop?t=${seconds}`, [204, 304], signal, config.shutdown_timeout + 10_000);
    },
    watch(sink, signal) {
      void followEvents(client, config.container, sink.probeNow, signal);
    },
  };
}

/** The state a container inspect says. A stop we did not ask for with a non-zero exit is a crash. */
export function observe(inspect: unknown, stopRequested: boolean): Observation {
  const status = pick(inspect, 'State.Status');
  const health = pick(inspect, 'State.Health.Status');
  const exitCode = pick(inspect, 'State.ExitCode');
  switch (status) {
    case 'running':
      if (stopRequested) return { state: 'stopping' };
      return { state: health === 'starting' ? 'starting' : health === 'unhealthy' ? 'crashed' : 'online', cause: health === 'unhealthy' ? 'the container is unhealthy' : undefined };
    case 'paused':
      return { state: 'sleeping' };
    case 'restarting':
      return { state: 'starting' };
    case 'removing':
      return { state: 'stopping' };
    case 'created':
      return { state: 'sleeping' };
    case 'exited':
      if (!stopRequested && typeof exitCode === 'number' && exitCode !== 0 && pick(inspect, 'State.OOMKilled') === true) return { state: 'crashed', cause: 'the container was OOM-killed' };
      if (!stopRequested && typeof exitCode === 'number' && exitCode !== 0 && exitCode !== 143 && exitCode !== 137) return { state: 'crashed', cause: `the container exited with code ${exitCode}` };
      return { state: 'sleeping' };
    case 'dead':
      return { state: 'crashed', cause: 'the container is dead' };
    default:
      throw new ManagerApiError(`unexpected container state ${JSON.stringify(status ?? null)}`);
  }
}

/**
 * Follows the container's events; each one asks for a probe (the event names the action, the
 * inspect tells the state). Reopens a broken stream with a doubling delay up to a minute.
 */
async function followEvents(client: DockerClient, container: string, probe: () => void, signal: AbortSignal): Promise<void> {
  let backoff = 1_000;
  while (!signal.aborted) {
    const opened = Date.now();
    await new Promise<void>((resolve) => client.events({ type: ['container'], container: [container] }, probe, () => resolve(), signal));
    if (signal.aborted) return;
    if (Date.now() - opened > 30_000) backoff = 1_000;
    await sleep(backoff, signal);
    backoff = Math.min(backoff * 2, MAX_STREAM_BACKOFF_MS);
    probe(); // events may have been missed while the stream was down
  }
}
