// The admin API end to end on a real proxy with real 1.21.4 clients: every route refuses a missing
// or wrong key (401) and answers with the right one, bad bodies are 400 naming the zod path, huge
// bodies 413, wrong content types 415, deep JSON 400; kicking and banning a connected player
// through the API disconnects the client with the reason and writes bans.json; SSE delivers a
// player.join when a real client joins (header and short-lived token); path traversal and header
// injection get nowhere; the key never appears in a log line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { freePort } from '../helpers/free-port.ts';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join as pathJoin } from 'node:path';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join as joinServer } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { ERROR_CODES } from '../../kernel/errors.ts';
import { API_ERROR_STATUS } from '../../builtin-plugins/admin-api/errors.ts';
import type { Command } from '../../sdk/commands.ts';

// Every answer is checked against its route's documented (OpenAPI) schema: a mismatch is a 500.
process.env.INFRARUST_API_CHECK_RESPONSES = '1';

const VERSION = '1.21.4';
const KEY = 'test-admin-key-0123456789abcdef';
let backend: Backend;
let proxy: Harness;
let base: string;

const api = (path: string, init: RequestInit & { key?: string | null } = {}) => {
  const headers = new Headers(init.headers);
  if (init.key !== null) headers.set('authorization', `Bearer ${init.key ?? KEY}`);
  return fetch(`${base}${path}`, { ...init, headers });
};
const post = (path: string, body: unknown): Promise<Response> => api(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

function kicked(client: mc.Client): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not disconnected')), 10_000);
    const done = (p: { reason: unknown }) => {
      clearTimeout(timer);
      resolve(JSON.stringify(p.reason)); // a JSON string or (1.20.3+) an NBT component
    };
    client.once('kick_disconnect', done);
    client.once('disconnect', done);
  });
}

const connectPlayer = async (name: string) => (await joinServer({ port: proxy.port, domain: 'lobby.test', version: VERSION, username: name, keep: true, timeoutMs: 10_000 })).client;

before(async () => {
  backend = await startBackend({ version: VERSION });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  proxy = await startProxy({
    builtins: ['ban', 'admin-api'],
    captureLogs: 'debug',
    global: `[ban]\nfile = "bans.json"\npurge_interval = "1s"\n[web]\nbind = "127.0.0.1:${port}"\napi_key = "${KEY}"\nrate_limit = { requests_per_minute = 100000 }\n`,
    servers: { lobby: serverToml(['lobby.test'], [backend.port], 'proxy_mode = "offline"') },
  });
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
});

test('error codes the API uses are in the registry', () => {
  for (const code of Object.keys(API_ERROR_STATUS)) assert.ok(code in ERROR_CODES, code);
});

test('every route: 401 without the key and with a wrong one, answered with it; /health is public', async () => {
  const doc = (await (await api('/api/v1/openapi.json', { key: null })).json()) as { paths: Record<string, Record<string, { security: unknown[] }>> };
  const fill = (p: string) => p.replace('{id}', 'nobody').replace('{type}', 'username').replace('{value}', 'nobody');
  let routes = 0;
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const url = fill(path);
      if (op.security.length === 0) continue;
      routes++;
      for (const key of [null, 'wrong-key-wrong-key-wrong'] as const) {
        const r = await api(url, { method: method.toUpperCase(), key });
        assert.equal(r.status, 401, `${method} ${url} key=${key}`);
        assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'IR_ERR_API_UNAUTHORIZED');
      }
      if (url.endsWith('/shutdown') || url === '/api/v1/events' || url === '/api/v1/logs') continue;
      const r = await api(url, { method: method.toUpperCase(), ...(method === 'get' || method === 'delete' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } }) });
      assert.notEqual(r.status, 401, `${method} ${url}`);
      assert.ok(r.status < 500 || r.status === 501 || r.status === 503, `${method} ${url}: ${r.status} ${await r.text()}`);
    }
  }
  assert.ok(routes >= 25, `only ${routes} routes documented`);
  const health = await api('/api/v1/health', { key: null });
  assert.equal(health.status, 200);
  assert.equal(((await health.json()) as { status: string }).status, 'ok');
  const unknown = await api('/api/v1/nope');
  assert.equal(unknown.status, 404);
});

test('bad bodies: 400 naming the zod path, 415, 413, deep JSON, bad JSON', async () => {
  const bad = await post('/api/v1/bans', { target: { type: 'nope', value: 'x' } });
  assert.equal(bad.status, 400);
  const e = ((await bad.json()) as { error: { code: string; message: string } }).error;
  assert.equal(e.code, 'IR_ERR_API_INVALID_REQUEST');
  assert.match(e.message, /body\.target\.type/);
  const extra = await post('/api/v1/players/broadcast', { message: 'hi', evil: 1 });
  assert.equal(extra.status, 400);
  const badIp = await post('/api/v1/bans', { target: { type: 'ip', value: 'not-an-ip' } });
  assert.equal(badIp.status, 400);
  const text = await api('/api/v1/players/broadcast', { method: 'POST', body: 'message=hi', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(text.status, 415);
  const huge = await api('/api/v1/players/broadcast', { method: 'POST', body: JSON.stringify({ message: 'x'.repeat(200_000) }), headers: { 'content-type': 'application/json' } });
  assert.equal(huge.status, 413);
  assert.equal(huge.headers.get('connection'), 'close', 'the unread body does not leave a socket to reuse');
  const deep = await api('/api/v1/players/broadcast', { method: 'POST', body: '['.repeat(20_000) + ']'.repeat(20_000), headers: { 'content-type': 'application/json' } });
  assert.equal(deep.status, 400);
  assert.match(((await deep.json()) as { error: { message: string } }).error.message, /nested deeper/);
  const broken = await api('/api/v1/players/broadcast', { method: 'POST', body: '{"message":', headers: { 'content-type': 'application/json' } });
  assert.equal(broken.status, 400);
  const query = await api('/api/v1/players?per_page=100000');
  assert.equal(query.status, 400);
  assert.match(((await query.json()) as { error: { message: string } }).error.message, /query\.per_page/);
});

test('a real connected player is listed, messaged and kicked through the API with the reason', async () => {
  const client = await connectPlayer('Steve');
  const list = (await (await api('/api/v1/players?server=lobby')).json()) as { players: { username: string; mode: string }[]; total: number };
  assert.deepEqual(list.players.map((p) => [p.username, p.mode]), [['Steve', 'intercepted']]);
  assert.equal(((await (await api('/api/v1/players/count')).json()) as { total: number }).total, 1);
  assert.equal((await api('/api/v1/players/steve')).status, 200);
  const chat = new Promise<string>((resolve) => client.on('system_chat', (p: { content: unknown }) => resolve(JSON.stringify(p.content))));
  assert.equal((await post('/api/v1/players/Steve/message', { message: 'hello from the API' })).status, 200);
  assert.match(await chat, /hello from the API/);
  const gone = kicked(client);
  const r = await post('/api/v1/players/Steve/kick', { reason: 'Kicked by the API test' });
  assert.equal(r.status, 200);
  assert.match(await gone, /Kicked by the API test/);
  assert.equal((await api('/api/v1/players/Steve/kick', { method: 'POST' })).status, 404);
});

test('a ban through the API disconnects the player with the reason, lands in bans.json, and is lifted', async () => {
  const client = await connectPlayer('Griefer');
  const gone = kicked(client);
  const r = await post('/api/v1/bans', { target: { type: 'username', value: 'Griefer' }, reason: 'griefing spawn', duration_seconds: 3600 });
  assert.equal(r.status, 201);
  assert.match(await gone, /griefing spawn/);
  const file = JSON.parse(await readFile(pathJoin(proxy.dir, 'bans.json'), 'utf8')) as { bans: { target: { value: string }; reason: string; source: string }[] };
  assert.deepEqual(file.bans.map((b) => [b.target.value, b.reason, b.source]), [['Griefer', 'griefing spawn', 'api']]);
  const check = (await (await api('/api/v1/bans/check/username/griefer')).json()) as { banned: boolean };
  assert.equal(check.banned, true);
  assert.equal(((await (await api('/api/v1/bans')).json()) as { bans: unknown[] }).bans.length, 1);
  assert.equal((await api('/api/v1/bans/username/Griefer', { method: 'DELETE' })).status, 200);
  assert.equal((await api('/api/v1/bans/username/Griefer', { method: 'DELETE' })).status, 404);
  const recent = (await (await api('/api/v1/events/recent?types=ban.created,ban.removed')).json()) as { events: { type: string }[] };
  assert.deepEqual(recent.events.map((e) => e.type), ['ban.created', 'ban.removed']);
});

/** Reads SSE frames from a response until `want` matches one; resolves with its data. */
async function sseUntil(res: Response, want: (type: string, data: string) => boolean, timeoutMs = 10_000): Promise<unknown> {
  const reader = res.body!.getReader();
  const dec = new TextDecoder();
  let buf = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      const { value, done } = await Promise.race([reader.read(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('SSE timeout')), deadline - Date.now()))]);
      if (done) throw new Error('stream ended');
      buf += dec.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const type = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (type !== undefined && data !== undefined && want(type, data)) return JSON.parse(data);
      }
    }
    throw new Error('SSE timeout');
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

test('SSE: a real join arrives as player.join (header auth and a short-lived token); the key is refused in the URL', async () => {
  const res = await api('/api/v1/events?types=player.join');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const event = sseUntil(res, (type, data) => type === 'player.join' && data.includes('Alex'));
  await joinServer({ port: proxy.port, domain: 'lobby.test', version: VERSION, username: 'Alex', timeoutMs: 10_000 });
  const e = (await event) as { data: { username: string; server: string } };
  assert.equal(e.data.username, 'Alex');
  assert.equal(e.data.server, 'lobby');

  assert.equal((await api(`/api/v1/events?token=${KEY}`, { key: null })).status, 401, 'the long-lived key is not a token');
  const { token } = (await (await post('/api/v1/events/token', {})).json()) as { token: string };
  const byToken = await api(`/api/v1/events?token=${token}`, { key: null });
  assert.equal(byToken.status, 200);
  const logs = await api(`/api/v1/logs?token=${token}&level=info`, { key: null });
  assert.equal(logs.status, 200);
  const line = sseUntil(logs, (type, data) => type === 'log' && data.includes('Bob'));
  const tick = sseUntil(byToken, (type) => type === 'player.join');
  line.catch(() => undefined); // awaited below; not an unhandled rejection while `tick` is awaited
  await joinServer({ port: proxy.port, domain: 'lobby.test', version: VERSION, username: 'Bob', timeoutMs: 10_000 });
  await tick;
  assert.ok(await line);
  const history = (await (await api('/api/v1/logs/history?n=1000')).json()) as { lines: { msg: string }[] };
  assert.ok(history.lines.length > 0);
});

test('SSE: bans from any source arrive as ban.created / ban.removed: console ban and unban, and an expiry', async () => {
  const run = async (name: string, args: string[]): Promise<string> => {
    const replies: string[] = [];
    await (proxy.proxy.layers.registries.commands.get(name) as Command).execute({ reply: (t) => replies.push(t), hasPermission: () => true }, args);
    return replies.join('\n');
  };
  type BanEvent = { data: { target: { type: string; value: string }; source: string; reason: string | null; removed_by?: string; expired?: boolean } };
  const stream = async (want: (type: string, data: string) => boolean) => sseUntil(await api('/api/v1/events?types=ban.created,ban.removed'), want) as Promise<BanEvent>;
  const created = stream((type, data) => type === 'ban.created' && data.includes('Cheater'));
  await new Promise((r) => setTimeout(r, 100)); // the stream is open before the ban
  assert.match(await run('ban', ['Cheater', 'fly', 'hacks']), /Banned/);
  const c = await created;
  assert.deepEqual([c.data.target, c.data.source, c.data.reason], [{ type: 'username', value: 'Cheater' }, 'console', 'fly hacks']);
  const removed = stream((type, data) => type === 'ban.removed' && data.includes('Cheater'));
  await new Promise((r) => setTimeout(r, 100));
  assert.match(await run('unban', ['Cheater']), /Unbanned/);
  const r = await removed;
  assert.deepEqual([r.data.removed_by, r.data.expired], ['console', false]);
  const expired = stream((type, data) => type === 'ban.removed' && data.includes('Brief'));
  await new Promise((res) => setTimeout(res, 100));
  await run('ban', ['Brief', '1s', 'short']);
  const e = await expired; // purged within purge_interval (1 s) after it expired
  assert.deepEqual([e.data.removed_by, e.data.expired], ['system', true]);
});

test('many SSE clients are bounded: past the cap new streams get 503', async () => {
  const streams: Response[] = [];
  let refused = 0;
  for (let i = 0; i < 300; i++) {
    const r = await api('/api/v1/events');
    if (r.status === 503) refused++;
    else streams.push(r);
  }
  assert.ok(streams.length <= 256, `${streams.length} streams open`);
  assert.ok(refused >= 44, `${refused} refused`);
  await Promise.all(streams.map((s) => s.body?.cancel()));
});

function raw(path: string, headers: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new URL(base);
    const s = connect(Number(u.port), '127.0.0.1');
    let out = '';
    s.on('data', (d) => (out += d.toString('latin1')));
    s.on('end', () => resolve(out));
    s.on('error', reject);
    s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`);
  });
}

test('path traversal and header injection get nowhere', async () => {
  for (const p of ['/../../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%00', '/..\\..\\etc\\passwd']) {
    const r = await raw(p);
    assert.doesNotMatch(r, /root:/, p);
  }
  // The dashboard when it is built, else the placeholder that says it is not.
  const home = await (await fetch(`${base}/`)).text();
  assert.match(home, existsSync(new URL('../../builtin-plugins/admin-api/dashboard/dist/index.html', import.meta.url)) ? /<html/i : /dashboard is not built yet/);
  const injected = await raw('/api/v1/health', ['X-Evil: a\rSet-Cookie: b']);
  assert.match(injected, /^HTTP\/1\.1 400/);
  const crlfInPath = await new Promise<number>((resolve) => {
    const req = httpRequest(`${base}/api/v1/players/a%0d%0aSet-Cookie:%20x`, { headers: { authorization: `Bearer ${KEY}` } }, (res) => {
      assert.equal(res.headers['set-cookie'], undefined);
      resolve(res.statusCode ?? 0);
    });
    req.end();
  });
  assert.equal(crlfInPath, 404);
});

test('the API key never appears in a log line', () => {
  const text = JSON.stringify(proxy.logs);
  assert.ok(proxy.logs.some((l) => /admin API listening/.test(l.msg)));
  assert.ok(!text.includes(KEY));
});

test('servers, health, start/stop without a manager (501), stats, plugins, reload', async () => {
  const servers = (await (await api('/api/v1/servers')).json()) as { servers: { id: string; proxy_mode: string; state: string | null; health: unknown[] }[] };
  assert.deepEqual(servers.servers.map((s) => [s.id, s.proxy_mode, s.state]), [['lobby', 'offline', null]]);
  const health = (await (await api('/api/v1/servers/lobby/health')).json()) as { healthy: boolean };
  assert.equal(health.healthy, true);
  assert.equal((await api('/api/v1/servers/nope')).status, 404);
  const start = await api('/api/v1/servers/lobby/start', { method: 'POST' });
  assert.equal(start.status, 501);
  assert.equal(((await start.json()) as { error: { code: string } }).error.code, 'IR_ERR_API_NOT_IMPLEMENTED');
  assert.equal((await api('/api/v1/servers/nope/stop', { method: 'POST' })).status, 404);
  const stats = (await (await api('/api/v1/stats')).json()) as { joins_total: number; servers: number };
  assert.ok(stats.joins_total >= 2);
  assert.equal(stats.servers, 1);
  const plugins = (await (await api('/api/v1/plugins')).json()) as { plugins: { id: string; state: string }[] };
  assert.deepEqual(plugins.plugins.map((p) => [p.id, p.state]).sort(), [['admin-api', 'loaded'], ['ban', 'loaded']]);
  assert.equal((await api('/api/v1/plugins/admin-api/reload', { method: 'POST' })).status, 409);
  const reload = await api('/api/v1/plugins/ban/reload', { method: 'POST' });
  assert.equal(reload.status, 200, await reload.text());
  assert.equal(((await (await api('/api/v1/plugins/ban')).json()) as { state: string }).state, 'loaded');
});
