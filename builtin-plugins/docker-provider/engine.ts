/**
 * A minimal Docker Engine API client over node:http, on the unix socket or TCP: list containers,
 * inspect one, and follow the events stream (newline-delimited JSON). Every request has a
 * deadline and a size cap, and answers that are not the documented JSON are errors with the cause
 * (status, junk), so the provider logs them and backs off instead of looping.
 */
import { request, type IncomingMessage } from 'node:http';
import type { ContainerInfo } from './labels.ts';
import { ENABLE_LABEL } from './labels.ts';
import type { DockerEndpoint } from './options.ts';

const REQUEST_TIMEOUT_MS = 5_000;
const MAX_BODY = 16 * 1024 * 1024;
/** An events line longer than this is junk: the stream is dropped and reopened. */
const MAX_EVENT_LINE = 1024 * 1024;

export class EngineError extends Error {}

/** One container event (`Type` container): its id, action and the name the event carries. */
export interface ContainerEvent {
  readonly id: string;
  readonly action: string;
  readonly name: string;
}

const filters = (f: Record<string, string[]>): string => encodeURIComponent(JSON.stringify(f));

function open(endpoint: DockerEndpoint, path: string, signal: AbortSignal, timeoutMs: number | undefined): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const target = 'socketPath' in endpoint ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port };
    const req = request({ ...target, path, method: 'GET', headers: { host: 'docker', accept: 'application/json' }, signal }, (res) => {
      if (res.statusCode === 200) return resolve(res);
      void readBody(res).then(
        (body) => reject(new EngineError(`HTTP ${res.statusCode} for ${path.split('?')[0]}: ${body.slice(0, 200).trim()}`)),
        (err: unknown) => reject(err),
      );
    });
    if (timeoutMs !== undefined) req.setTimeout(timeoutMs, () => req.destroy(new EngineError(`no answer within ${timeoutMs} ms for ${path.split('?')[0]}`)));
    req.on('error', reject);
    req.end();
  });
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) res.destroy(new EngineError(`answer larger than ${MAX_BODY} bytes`));
      else chunks.push(c);
    });
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
    res.on('close', () => {
      if (!res.complete) reject(new EngineError('connection closed mid-answer'));
    });
  });
}

async function getJson(endpoint: DockerEndpoint, path: string, signal: AbortSignal): Promise<unknown> {
  const res = await open(endpoint, path, signal, REQUEST_TIMEOUT_MS);
  const text = await readBody(res);
  try {
    return JSON.parse(text);
  } catch {
    throw new EngineError(`junk instead of JSON from ${path.split('?')[0]}: ${JSON.stringify(text.slice(0, 80))}`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const labelsOf = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(isObj(v) ? v : {}).filter((e): e is [string, string] => typeof e[1] === 'string'));

function networksOf(settings: unknown): Record<string, string> {
  const networks = isObj(settings) && isObj(settings.Networks) ? settings.Networks : {};
  return Object.fromEntries(Object.entries(networks).map(([name, n]) => [name, isObj(n) ? str(n.IPAddress) : '']));
}

/** GET /containers/json entry → ContainerInfo. */
function fromListEntry(e: unknown): ContainerInfo | undefined {
  if (!isObj(e) || typeof e.Id !== 'string') return undefined;
  const names = Array.isArray(e.Names) ? e.Names : [];
  const ports = (Array.isArray(e.Ports) ? e.Ports : []).filter(isObj).map((p) => ({ privatePort: Number(p.PrivatePort), hostIp: str(p.IP), hostPort: Number(p.PublicPort ?? 0) }));
  return { id: e.Id, name: str(names[0]).replace(/^\//, '') || e.Id.slice(0, 12), labels: labelsOf(e.Labels), running: e.State === 'running', networks: networksOf(e.NetworkSettings), ports };
}

/** GET /containers/{id}/json → ContainerInfo. */
function fromInspect(e: unknown): ContainerInfo {
  if (!isObj(e) || typeof e.Id !== 'string') throw new EngineError('inspect answer has no Id');
  const state = isObj(e.State) ? e.State : {};
  const config = isObj(e.Config) ? e.Config : {};
  const settings = isObj(e.NetworkSettings) ? e.NetworkSettings : {};
  const ports: ContainerInfo['ports'][number][] = [];
  for (const [key, bindings] of Object.entries(isObj(settings.Ports) ? settings.Ports : {})) {
    for (const b of Array.isArray(bindings) ? bindings : []) if (isObj(b)) ports.push({ privatePort: Number.parseInt(key, 10), hostIp: str(b.HostIp), hostPort: Number(b.HostPort) });
  }
  return { id: e.Id, name: str(e.Name).replace(/^\//, '') || e.Id.slice(0, 12), labels: labelsOf(config.Labels), running: state.Running === true && state.Paused !== true, networks: networksOf(settings), ports };
}

/** The running containers labelled `infrarust.enable=true`. */
export async function listContainers(endpoint: DockerEndpoint, signal: AbortSignal): Promise<ContainerInfo[]> {
  const body = await getJson(endpoint, `/containers/json?filters=${filters({ label: [`${ENABLE_LABEL}=true`] })}`, signal);
  if (!Array.isArray(body)) throw new EngineError('container list is not a JSON array');
  return body.map(fromListEntry).filter((c): c is ContainerInfo => c !== undefined);
}

/** One container, or undefined when it no longer exists (404). */
export async function inspectContainer(endpoint: DockerEndpoint, id: string, signal: AbortSignal): Promise<ContainerInfo | undefined> {
  try {
    return fromInspect(await getJson(endpoint, `/containers/${encodeURIComponent(id)}/json`, signal));
  } catch (err) {
    if (err instanceof EngineError && err.message.startsWith('HTTP 404')) return undefined;
    throw err;
  }
}

/**
 * Follows GET /events for labelled containers until the stream ends (resolves) or fails
 * (rejects). `onOpen` runs once the Engine accepted the stream; a junk line is reported to
 * `onJunk` and skipped.
 */
export async function followEvents(endpoint: DockerEndpoint, signal: AbortSignal, handlers: { onOpen(): void; onEvent(e: ContainerEvent): void; onJunk(line: string): void }): Promise<void> {
  const res = await open(endpoint, `/events?filters=${filters({ type: ['container'], label: [`${ENABLE_LABEL}=true`] })}`, signal, undefined);
  handlers.onOpen();
  let partial = '';
  return new Promise((resolve, reject) => {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop()!;
      if (partial.length > MAX_EVENT_LINE) return void res.destroy(new EngineError(`an events line longer than ${MAX_EVENT_LINE} bytes`));
      for (const line of lines) if (line.trim() !== '') parseEvent(line, handlers);
    });
    res.on('end', () => resolve());
    res.on('error', reject);
    res.on('close', () => (res.complete ? resolve() : reject(new EngineError('events stream cut off'))));
  });
}

function parseEvent(line: string, handlers: { onEvent(e: ContainerEvent): void; onJunk(line: string): void }): void {
  let e: unknown;
  try {
    e = JSON.parse(line);
  } catch {
    return handlers.onJunk(line);
  }
  if (!isObj(e)) return handlers.onJunk(line);
  const actor = isObj(e.Actor) ? e.Actor : {};
  const id = str(actor.ID) || str(e.id);
  const action = str(e.Action) || str(e.status);
  if (id === '' || action === '') return handlers.onJunk(line);
  if (e.Type !== undefined && e.Type !== 'container') return;
  handlers.onEvent({ id, action, name: str(isObj(actor.Attributes) ? actor.Attributes.name : '') });
}
