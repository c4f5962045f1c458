/**
 * A small Docker Engine for tests, speaking the documented API on a unix socket (or TCP):
 * `GET /containers/json?filters=…` (running containers, `label` filters applied),
 * `GET /containers/{id}/json` (inspect; 404 for an unknown id) and `GET /events?filters=…`
 * (a stream of JSON lines, one per container event). Containers change over time as with the
 * real one: `start` emits `start`, `stop` emits `kill`, `die`, `stop`, `remove` emits `destroy`.
 * Faults for the bad-input tests: junk answers, a 500, cutting the event streams.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';

export interface FakeContainerSpec {
  name: string;
  labels: Record<string, string>;
  /** Network name → IP. */
  networks?: Record<string, string>;
}

interface FakeContainer extends FakeContainerSpec {
  id: string;
  running: boolean;
}

export interface FakeDocker {
  /** The socket path (or `host:port` for TCP). */
  readonly address: string;
  /** Request paths seen (without query strings). */
  readonly requests: string[];
  /** Open event streams. */
  readonly streams: number;
  /** Creates and starts a container; returns its id. */
  start(spec: FakeContainerSpec): string;
  stop(id: string): void;
  remove(id: string): void;
  /** Ends every open events stream (as when dockerd restarts). */
  endStreams(): void;
  /** Writes a raw line into every open events stream. */
  injectEventLine(line: string): void;
  /** The next `n` list/inspect answers are this (status and body) instead of the real one. */
  fault(answer: { status: number; body: string }, n?: number): void;
  close(): Promise<void>;
}

export async function startFakeDocker(listen: { socketPath: string } | { port: 0 }): Promise<FakeDocker> {
  const containers = new Map<string, FakeContainer>();
  const streams = new Set<{ res: ServerResponse; labels: string[] }>();
  const requests: string[] = [];
  let faults: { status: number; body: string; left: number } | undefined;

  const labelMatch = (c: FakeContainer, wanted: string[]): boolean =>
    wanted.every((f) => {
      const [k, v] = f.split('=');
      return v === undefined ? k! in c.labels : c.labels[k!] === v;
    });
  const filtersOf = (req: IncomingMessage): Record<string, string[]> => {
    const raw = new URL(req.url ?? '/', 'http://docker').searchParams.get('filters');
    return raw === null ? {} : (JSON.parse(raw) as Record<string, string[]>);
  };
  const emit = (c: FakeContainer, action: string): void => {
    const line = JSON.stringify({ Type: 'container', Action: action, status: action, id: c.id, Actor: { ID: c.id, Attributes: { ...c.labels, name: c.name } }, time: Math.floor(Date.now() / 1000) });
    for (const s of streams) if (labelMatch(c, s.labels)) s.res.write(`${line}\n`);
  };
  const listEntry = (c: FakeContainer) => ({
    Id: c.id,
    Names: [`/${c.name}`],
    Labels: c.labels,
    State: c.running ? 'running' : 'exited',
    Ports: [],
    NetworkSettings: { Networks: Object.fromEntries(Object.entries(c.networks ?? {}).map(([n, ip]) => [n, { IPAddress: ip }])) },
  });
  const inspect = (c: FakeContainer) => ({
    Id: c.id,
    Name: `/${c.name}`,
    State: { Status: c.running ? 'running' : 'exited', Running: c.running, Paused: false },
    Config: { Labels: c.labels },
    NetworkSettings: { Ports: {}, Networks: Object.fromEntries(Object.entries(c.networks ?? {}).map(([n, ip]) => [n, { IPAddress: ip }])) },
  });
  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/^\/v[\d.]+/, '');
    requests.push(path);
    if (path === '/events') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      const stream = { res, labels: filtersOf(req).label ?? [] };
      streams.add(stream);
      res.on('close', () => streams.delete(stream));
      return;
    }
    if (faults !== undefined && faults.left > 0) {
      faults.left--;
      res.writeHead(faults.status, { 'content-type': 'application/json' });
      return void res.end(faults.body);
    }
    if (path === '/containers/json') {
      const labels = filtersOf(req).label ?? [];
      return json(res, 200, [...containers.values()].filter((c) => c.running && labelMatch(c, labels)).map(listEntry));
    }
    const m = /^\/containers\/([^/]+)\/json$/.exec(path);
    if (m !== null) {
      const c = containers.get(decodeURIComponent(m[1]!)) ?? [...containers.values()].find((x) => x.name === m[1]);
      return c === undefined ? json(res, 404, { message: `No such container: ${m[1]}` }) : json(res, 200, inspect(c));
    }
    json(res, 404, { message: 'page not found' });
  });
  await new Promise<void>((resolve) => server.listen('socketPath' in listen ? listen.socketPath : { host: '127.0.0.1', port: 0 }, resolve));
  const addr = server.address();
  const address = typeof addr === 'string' ? addr : `127.0.0.1:${addr!.port}`;

  return {
    address,
    requests,
    get streams() {
      return streams.size;
    },
    start(spec) {
      const c: FakeContainer = { ...spec, id: randomBytes(32).toString('hex'), running: true };
      containers.set(c.id, c);
      emit(c, 'create');
      emit(c, 'start');
      return c.id;
    },
    stop(id) {
      const c = containers.get(id);
      if (c === undefined || !c.running) return;
      c.running = false;
      for (const action of ['kill', 'die', 'stop']) emit(c, action);
    },
    remove(id) {
      const c = containers.get(id);
      if (c === undefined) return;
      containers.delete(id);
      emit(c, 'destroy');
    },
    endStreams() {
      for (const s of streams) s.res.end();
    },
    injectEventLine(line) {
      for (const s of streams) s.res.write(`${line}\n`);
    },
    fault(answer, n = 1) {
      faults = { ...answer, left: n };
    },
    close() {
      for (const s of streams) s.res.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
