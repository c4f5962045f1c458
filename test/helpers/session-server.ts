/**
 * A stand-in for Mojang's session server on 127.0.0.1, speaking the documented endpoints:
 * POST /session/minecraft/join and GET /session/minecraft/hasJoined. The real one cannot be
 * reached from here; clients and servers talk to this one through their normal code paths.
 */
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface SessionServer {
  url: string;
  port: number;
  /** An https.Agent whose connections go to this plain-HTTP server (minecraft-protocol's server takes an agent). */
  agent: Agent;
  joins: { name: string; serverId: string }[];
  close(): Promise<void>;
}

export async function startSessionServer(validTokens: Map<string, { id: string; name: string }>): Promise<SessionServer> {
  const joined = new Map<string, { id: string; name: string }>();
  const joins: { name: string; serverId: string }[] = [];
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
        joined.set(`${profile.name}:${serverId}`, profile);
        joins.push({ name: profile.name, serverId });
        res.writeHead(204).end();
      });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/session/minecraft/hasJoined') {
      const profile = joined.get(`${url.searchParams.get('username')}:${url.searchParams.get('serverId')}`);
      if (profile === undefined) return void res.writeHead(204).end();
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ id: profile.id.replace(/-/g, ''), name: profile.name, properties: [] }));
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
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    agent: new LocalAgent({ keepAlive: false }),
    joins,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
