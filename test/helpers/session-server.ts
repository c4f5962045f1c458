/**
 * A stand-in for Mojang's session server on 127.0.0.1, speaking the documented endpoints:
 * POST /session/minecraft/join and GET /session/minecraft/hasJoined. The real one cannot be
 * reached from here; clients and servers talk to this one through their normal code paths.
 *
 * Tests of an authenticator can also mark a join directly (`markJoined`), give profiles signed
 * properties (`texturesProperty`), and make hasJoined misbehave (`hasJoinedBehaviour`: slow, a
 * forced status or body); `close()` takes it down, in-flight requests included.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface SessionProperty {
  name: string;
  value: string;
  signature?: string;
}

/** A profile as the session server knows it; `id` dashed or not (hasJoined answers it undashed). */
export interface SessionProfile {
  id: string;
  name: string;
  properties?: SessionProperty[];
}

/** How hasJoined answers; the default (all unset) is the real server's behaviour. */
export interface HasJoinedBehaviour {
  /** Wait this long before answering. */
  delayMs?: number;
  /** Answer with this status and `body` instead of looking the join up. */
  status?: number;
  body?: string;
}

export interface SessionServer {
  url: string;
  port: number;
  /** The hasJoined endpoint's full URL (what `[auth] session_url` points at). */
  hasJoinedUrl: string;
  /** An https.Agent whose connections go to this plain-HTTP server (minecraft-protocol's server takes an agent). */
  agent: Agent;
  joins: { name: string; serverId: string }[];
  /** The query of every hasJoined request, in order. */
  hasJoinedQueries: URLSearchParams[];
  /** Changed by tests at any time; read per request. */
  hasJoinedBehaviour: HasJoinedBehaviour;
  /** Records a join as if the client had POSTed it with a valid token. */
  markJoined(profile: SessionProfile, serverId: string): void;
  /** Stops listening and drops every connection, answered or not. */
  close(): Promise<void>;
}

/**
 * A `textures` property shaped as Mojang's (base64 JSON with a skin URL) with a stand-in
 * signature: nothing here checks it, the point is that it travels unchanged.
 */
export function texturesProperty(profile: { id: string; name: string }, signature = Buffer.from(`signed:${profile.name}`).toString('base64')): SessionProperty {
  const textures = { timestamp: 1_700_000_000_000, profileId: profile.id.replace(/-/g, ''), profileName: profile.name, textures: { SKIN: { url: `http://textures.minecraft.net/texture/${profile.name.toLowerCase()}` } } };
  return { name: 'textures', value: Buffer.from(JSON.stringify(textures)).toString('base64'), signature };
}

export async function startSessionServer(validTokens: Map<string, SessionProfile> = new Map()): Promise<SessionServer> {
  const joined = new Map<string, SessionProfile>();
  const joins: { name: string; serverId: string }[] = [];
  const hasJoinedQueries: URLSearchParams[] = [];
  const delays = new Set<NodeJS.Timeout>();
  const state: Pick<SessionServer, 'hasJoinedBehaviour'> = { hasJoinedBehaviour: {} };
  const markJoined = (profile: SessionProfile, serverId: string): void => {
    joined.set(`${profile.name}:${serverId}`, profile);
    joins.push({ name: profile.name, serverId });
  };
  const hasJoined = (url: URL, res: ServerResponse): void => {
    const { status, body } = state.hasJoinedBehaviour;
    if (status !== undefined) return void res.writeHead(status, { 'content-type': 'application/json' }).end(body ?? '');
    if (body !== undefined) return void res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    const profile = joined.get(`${url.searchParams.get('username')}:${url.searchParams.get('serverId')}`);
    if (profile === undefined) return void res.writeHead(204).end();
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ id: profile.id.replace(/-/g, ''), name: profile.name, properties: profile.properties ?? [] }));
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/session/minecraft/join') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const { accessToken, serverId } = JSON.parse(body) as { accessToken: string; serverId: string };
        const profile = validTokens.get(accessToken);
        if (profile === undefined) {
          res.writeHead(403, { 'content-type': 'application/json' });
          return void res.end(JSON.stringify({ error: 'ForbiddenOperationException', errorMessage: 'Invalid token.' }));
        }
        markJoined(profile, serverId);
        res.writeHead(204).end();
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/session/minecraft/hasJoined') {
      hasJoinedQueries.push(url.searchParams);
      const delayMs = state.hasJoinedBehaviour.delayMs ?? 0;
      if (delayMs <= 0) return hasJoined(url, res);
      const timer = setTimeout(() => (delays.delete(timer), hasJoined(url, res)), delayMs);
      delays.add(timer);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  class LocalAgent extends Agent {
    override createConnection(): ReturnType<typeof connect> {
      return connect(port, '127.0.0.1');
    }
  }
  const url = `http://127.0.0.1:${port}`;
  return Object.assign(state, {
    url,
    port,
    hasJoinedUrl: `${url}/session/minecraft/hasJoined`,
    agent: new LocalAgent({ keepAlive: false }),
    joins,
    hasJoinedQueries,
    markJoined,
    close: () =>
      new Promise<void>((r) => {
        for (const timer of delays) clearTimeout(timer);
        delays.clear();
        server.close(() => r());
        server.closeAllConnections();
      }),
  });
}
