// The metrics plugin end to end: /metrics (on [telemetry] metrics_bind and on the admin API's
// [web] bind, without a key) parsed with a Prometheus text parser moves when real clients ping and
// join; with [telemetry] enabled over OTLP/HTTP, a small receiver on 127.0.0.1 gets the
// connection/handshake/login spans of a real join and the exported metrics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join as joinServer, ping } from '../helpers/client.ts';
import { freePort } from '../helpers/free-port.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';

type Family = { name: string; type: string; metrics: { value?: string; labels?: Record<string, string>; count?: string; buckets?: Record<string, string> }[] };
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

const VERSION = '1.21.4';
let backend: Backend;
let proxy: Harness;
let metricsUrl: string;
let webUrl: string;
let receiver: Server;
const otlp: { path: string; body: string }[] = [];

async function scrape(url = metricsUrl): Promise<Map<string, Family>> {
  const r = await fetch(url);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /text\/plain/);
  return new Map(parsePrometheus(await r.text()).map((f) => [f.name, f]));
}

const sum = (m: Map<string, Family>, name: string, labels: Record<string, string> = {}): number =>
  (m.get(name)?.metrics ?? []).filter((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v)).reduce((a, x) => a + Number(x.value ?? x.count ?? x.buckets?.['+Inf'] ?? 0), 0);

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      otlp.push({ path: req.url ?? '', body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const otlpPort = (receiver.address() as { port: number }).port;
  backend = await startBackend({ version: VERSION });
  const [mPort, wPort] = [await freePort(), await freePort()];
  metricsUrl = `http://127.0.0.1:${mPort}/metrics`;
  webUrl = `http://127.0.0.1:${wPort}/metrics`;
  proxy = await startProxy({
    builtins: ['metrics', 'admin-api'],
    global: [
      `[web]\nbind = "127.0.0.1:${wPort}"\napi_key = "metrics-test-key-0123456789"`,
      `[telemetry]\nenabled = true\nprotocol = "http"\nendpoint = "http://127.0.0.1:${otlpPort}"\nmetrics_bind = "127.0.0.1:${mPort}"`,
      `[telemetry.traces]\nsampling_ratio = 1.0`,
      `[telemetry.metrics]\nexport_interval = "1s"`,
    ].join('\n'),
    servers: { lobby: serverToml(['lobby.test'], [backend.port]) },
  });
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
  await new Promise((r) => receiver?.close(r));
});

test('counters move when a real client pings and joins; gauges, histograms and process metrics are there', async () => {
  const before = await scrape();
  await ping(proxy.port, 'lobby.test');
  await joinServer({ port: proxy.port, domain: 'lobby.test', version: VERSION, username: 'Steve', timeoutMs: 10_000 });
  await joinServer({ port: proxy.port, domain: 'nowhere.test', version: VERSION, username: 'Lost', timeoutMs: 5_000 }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 100));
  const after = await scrape();
  assert.equal(sum(after, 'infrarust_pings_total') - sum(before, 'infrarust_pings_total'), 1);
  assert.equal(sum(after, 'infrarust_joins_total', { server: 'lobby' }) - sum(before, 'infrarust_joins_total', { server: 'lobby' }), 1);
  assert.ok(sum(after, 'infrarust_connections_accepted_total') - sum(before, 'infrarust_connections_accepted_total') >= 3);
  assert.equal(sum(after, 'infrarust_handshakes_total', { intent: 'status', routed: 'true' }), 1);
  assert.ok(sum(after, 'infrarust_connections_rejected_total', { reason: 'unknown-domain' }) >= 1);
  // This parser keeps a histogram's buckets only (no labels, no _count): the +Inf bucket is the count.
  assert.ok(sum(after, 'infrarust_join_duration_seconds') >= 1, 'join histogram count');
  assert.ok(sum(after, 'infrarust_handshake_duration_seconds') >= 2, 'handshake histogram count');
  for (const name of ['infrarust_connections', 'infrarust_players', 'infrarust_plugins', 'process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds', 'process_resident_memory_bytes']) assert.ok(after.has(name), name);
  // The same registry through the admin API's bind, without a key.
  const web = await scrape(webUrl);
  assert.equal(sum(web, 'infrarust_pings_total'), sum(after, 'infrarust_pings_total'));
});

test('players gauge by server and mode while a client is connected', async () => {
  const { client } = await joinServer({ port: proxy.port, domain: 'lobby.test', version: VERSION, username: 'Alex', keep: true, timeoutMs: 10_000 });
  try {
    const m = await scrape();
    assert.equal(sum(m, 'infrarust_players', { server: 'lobby', mode: 'passthrough' }), 1);
    assert.ok(sum(m, 'infrarust_connections', { phase: 'relay' }) >= 1);
  } finally {
    client.end();
  }
});

test('OTLP/HTTP: spans of a real join (connection, handshake, login) and metrics reach the receiver', async () => {
  await joinServer({ port: proxy.port, domain: 'lobby.test', version: VERSION, username: 'Traced', timeoutMs: 10_000 });
  const deadline = Date.now() + 10_000;
  const has = (s: string) => otlp.some((o) => o.path === '/v1/traces' && o.body.includes(s));
  while (Date.now() < deadline && !(has('Traced') && has('"login"') && otlp.some((o) => o.path === '/v1/metrics' && o.body.includes('infrarust.joins')))) {
    await new Promise((r) => setTimeout(r, 200));
  }
  const traces = otlp.filter((o) => o.path === '/v1/traces').map((o) => JSON.parse(o.body) as { resourceSpans: { scopeSpans: { spans: { name: string; traceId: string; parentSpanId?: string; attributes: { key: string; value: { stringValue?: string } }[] }[] }[] }[] });
  const spans = traces.flatMap((t) => t.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)));
  const root = spans.find((s) => s.name === 'connection' && s.attributes.some((a) => a.key === 'player.username' && a.value.stringValue === 'Traced'));
  assert.ok(root, `a connection span for Traced among ${spans.map((s) => s.name).join(',')}`);
  const children = spans.filter((s) => s.traceId === root.traceId && s.name !== 'connection').map((s) => s.name).sort();
  assert.deepEqual(children, ['handshake', 'login']);
  assert.ok(otlp.some((o) => o.path === '/v1/metrics' && o.body.includes('infrarust.joins')), 'metrics exported');
});
