/**
 * Small fakes of the server managers' HTTP APIs, for the server-manager tests: Pterodactyl's
 * client API, Crafty's API v2 (both on 127.0.0.1) and the Docker Engine API (on a unix socket,
 * with a streaming `/events`). Each changes state over time as the real one does (a start goes
 * through starting before running), records the requests it got, and can be told to misbehave:
 * answer 500, hang, or send junk.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Misbehaviour = 'ok' | '500' | 'hang' | 'junk';

export interface SeenRequest {
  method: string;
  path: string;
  auth?: string;
  body: string;
  at: number;
}

export interface FakeApi {
  /** http://127.0.0.1:port, or the socket path for Docker. */
  url: string;
  requests: SeenRequest[];
  mode: Misbehaviour;
  close(): Promise<void>;
}

interface Handler {
  (req: IncomingMessage, body: string, res: ServerResponse): void;
}

/** Serves `handler`, filling `api` (url, requests, close) and reading its `mode` per request. */
async function serve<T extends FakeApi>(handler: Handler, listenOn: { socket?: string }, api: T): Promise<T> {
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      api.requests.push({ method: req.method!, path: req.url!, auth: req.headers.authorization, body, at: Date.now() });
      if (api.mode === 'hang') return void hanging.add(res);
      if (api.mode === '500') return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"errors":[{"detail":"internal error"}]}');
      if (api.mode === 'junk') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<html>502 Bad Gateway</html>');
      handler(req, body, res);
    });
  });
  await new Promise<void>((resolve) => (listenOn.socket !== undefined ? server.listen(listenOn.socket, resolve) : server.listen(0, '127.0.0.1', resolve)));
  api.url = listenOn.socket ?? `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  api.close = () =>
    new Promise((resolve) => {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api;
}

const blank = (): FakeApi => ({ url: '', requests: [], mode: 'ok', close: async () => undefined });

const json = (res: ServerResponse, status: number, value?: unknown): void => {
  if (value === undefined) return void res.writeHead(status).end();
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
};

/** Timing of a fake server's transitions. */
export interface Timing {
  startMs?: number;
  stopMs?: number;
}

export interface FakePanel extends FakeApi {
  /** The panel's state of the one server, as its API would report it. */
  state: 'offline' | 'starting' | 'running' | 'stopping';
}

/** Pterodactyl client API for one server `serverId` with API key `key`. */
export async function fakePterodactyl(serverId: string, key: string, timing: Timing = {}): Promise<FakePanel> {
  const panel: FakePanel = { ...blank(), state: 'offline' };
  const base = `/api/client/servers/${serverId}`;
  return serve((req, body, res) => {
    if (req.headers.authorization !== `Bearer ${key}`) return json(res, 401, { errors: [{ code: 'AuthenticationException' }] });
    if (req.method === 'GET' && req.url === `${base}/resources`) {
      return json(res, 200, { object: 'stats', attributes: { current_state: panel.state, is_suspended: false, resources: { memory_bytes: 0 } } });
    }
    if (req.method === 'POST' && req.url === `${base}/power`) {
      const signal = (JSON.parse(body) as { signal: string }).signal;
      if (signal === 'start' && panel.state === 'offline') transition(panel, 'starting', 'running', timing.startMs ?? 600);
      if (signal === 'stop' && panel.state === 'running') transition(panel, 'stopping', 'offline', timing.stopMs ?? 300);
      return json(res, 204);
    }
    json(res, 404, { errors: [{ code: 'NotFoundHttpException' }] });
  }, {}, panel);
}

/** Crafty Controller API v2 for one server `serverId` with token `key`. */
export async function fakeCrafty(serverId: string, key: string, timing: Timing = {}): Promise<FakePanel> {
  const panel: FakePanel = { ...blank(), state: 'offline' };
  const base = `/api/v2/servers/${serverId}`;
  return serve((req, _body, res) => {
    if (req.headers.authorization !== `Bearer ${key}`) return json(res, 403, { status: 'error', error: 'ACCESS_DENIED' });
    if (req.method === 'GET' && req.url === `${base}/stats`) {
      return json(res, 200, { status: 'ok', data: { running: panel.state === 'running' || panel.state === 'stopping', crashed: false, online: 0 } });
    }
    if (req.method === 'POST' && req.url === `${base}/action/start_server`) {
      if (panel.state === 'offline') transition(panel, 'starting', 'running', timing.startMs ?? 600);
      return json(res, 200, { status: 'ok' });
    }
    if (req.method === 'POST' && req.url === `${base}/action/stop_server`) {
      if (panel.state === 'running') transition(panel, 'stopping', 'offline', timing.stopMs ?? 300);
      return json(res, 200, { status: 'ok' });
    }
    json(res, 404, { status: 'error', error: 'NOT_FOUND' });
  }, {}, panel);
}

function transition(panel: FakePanel, via: FakePanel['state'], to: FakePanel['state'], ms: number): void {
  panel.state = via;
  setTimeout(() => {
    if (panel.state === via) panel.state = to;
  }, ms).unref();
}

export interface FakeContainer {
  status: 'created' | 'running' | 'paused' | 'exited' | 'dead';
  exitCode: number;
  health?: 'starting' | 'healthy' | 'unhealthy';
}

export interface FakeDocker extends FakeApi {
  container: FakeContainer;
  /** Changes the container as Docker would and sends the event to `/events` followers. */
  set(change: Partial<FakeContainer>, action: string): void;
}

/**
 * Docker Engine API on a unix socket for one container `name` (id `id`): inspect, start, stop,
 * unpause, and a streaming `/events` (one JSON line per event). A start runs the container with a
 * health check that turns healthy after `startMs`.
 */
export async function fakeDocker(socket: string, name: string, id: string, timing: Timing = {}): Promise<FakeDocker> {
  const followers = new Set<ServerResponse>();
  const container: FakeContainer = { status: 'exited', exitCode: 0 };
  const set = (change: Partial<FakeContainer>, action: string): void => {
    Object.assign(container, change);
    const line = JSON.stringify({ Type: 'container', Action: action, Actor: { ID: id, Attributes: { name } }, time: Math.floor(Date.now() / 1000) });
    for (const f of followers) f.write(`${line}\n`);
  };
  const known = (ref: string): boolean => ref === name || ref === id || id.startsWith(ref);
  const fake: FakeDocker = { ...blank(), container, set };
  await serve((req, _body, res) => {
    const url = new URL(req.url!, 'http://docker');
    const m = /^\/(?:v[\d.]+\/)?containers\/([^/]+)\/(json|start|stop|unpause)$/.exec(url.pathname);
    if (req.method === 'GET' && /^\/(?:v[\d.]+\/)?events$/.test(url.pathname)) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      followers.add(res);
      res.on('close', () => followers.delete(res));
      return;
    }
    if (m === null || !known(decodeURIComponent(m[1]!))) return json(res, 404, { message: `No such container: ${m?.[1] ?? url.pathname}` });
    const op = m[2];
    if (op === 'json') {
      const state = { Status: container.status, Running: container.status === 'running', Paused: container.status === 'paused', ExitCode: container.exitCode, OOMKilled: false, ...(container.health ? { Health: { Status: container.health } } : {}) };
      return json(res, 200, { Id: id, Name: `/${name}`, State: state });
    }
    if (op === 'start') {
      if (container.status === 'running') return json(res, 304);
      set({ status: 'running', exitCode: 0, health: 'starting' }, 'start');
      setTimeout(() => container.status === 'running' && set({ health: 'healthy' }, 'health_status: healthy'), timing.startMs ?? 600).unref();
      return json(res, 204);
    }
    if (op === 'unpause') {
      if (container.status !== 'paused') return json(res, 409, { message: `Container ${id} is not paused` });
      set({ status: 'running' }, 'unpause');
      return json(res, 204);
    }
    if (container.status !== 'running') return json(res, 304);
    setTimeout(() => set({ status: 'exited', exitCode: 143, health: undefined }, 'die'), timing.stopMs ?? 300).unref();
    json(res, 204);
  }, { socket }, fake);
  const close = fake.close;
  fake.close = async () => {
    for (const f of followers) f.destroy();
    await close();
  };
  return fake;
}
