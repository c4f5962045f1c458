// The kernel's counters (ctx.proxy.stats()) through the metrics plugin's /metrics and the admin
// API's /stats, with real minecraft-protocol peers: a passthrough client relays bytes (native
// splice relay and JS relay), a client held by a limbo handler shows in the limbo gauge until it
// leaves, a second ping of a server is a status cache hit, and listeners' calls are counted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join as joinServer, ping } from '../helpers/client.ts';
import { freePort } from '../helpers/free-port.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { hold, type LimboHandler } from '../../sdk/limbo.ts';
import { loadNativeRelay } from '../../kernel/net/native-relay.ts';

type Family = { name: string; metrics: { value?: string; labels?: Record<string, string> }[] };
const parsePrometheus = createRequire(import.meta.url)('parse-prometheus-text-format') as (text: string) => Family[];

const VERSION = '1.21.4';
const KEY = 'kernel-stats-test-key-0123456789';
let backend: Backend;
let proxy: Harness;
let web: string;

async function scrape(): Promise<Map<string, Family>> {
  const r = await fetch(`${web}/metrics`);
  assert.equal(r.status, 200);
  return new Map(parsePrometheus(await r.text()).map((f) => [f.name, f]));
}

const sum = (m: Map<string, Family>, name: string, labels: Record<string, string> = {}): number =>
  (m.get(name)?.metrics ?? []).filter((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v)).reduce((a, x) => a + Number(x.value ?? 0), 0);

async function until(check: () => Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const gate: LimboHandler = { name: 'gate', onPlayerEnter: () => hold() };

before(async () => {
  backend = await startBackend({ version: VERSION });
  const port = await freePort();
  web = `http://127.0.0.1:${port}`;
  proxy = await startProxy({
    builtins: ['metrics', 'admin-api'],
    global: `[web]\nbind = "127.0.0.1:${port}"\napi_key = "${KEY}"`,
    servers: {
      lobby: serverToml(['lobby.test'], [backend.port]),
      held: serverToml(['held.test'], [backend.port], 'proxy_mode = "offline"\nlimbo_handlers = ["gate"]'),
    },
  });
  proxy.proxy.layers.registries.limbo.add('stats-test#1', ['gate'], gate);
});

after(async () => {
  delete process.env.INFRARUST_RELAY;
  await proxy?.stop();
  await backend?.close();
});

for (const relay of ['native', 'js'] as const) {
  const skip = relay === 'native' && !loadNativeRelay().ok ? 'the native relay is not built' : false;
  test(`${relay} relay: infrarust_relay_bytes_total moves both ways for a real passthrough client`, { skip }, async () => {
    if (relay === 'js') process.env.INFRARUST_RELAY = 'js';
    try {
      const before = await scrape();
      const { client } = await joinServer({ port: proxy.port, domain: 'lobby.test', version: VERSION, username: `Bytes_${relay}`, keep: true, timeoutMs: 10_000 });
      if (relay === 'js') {
        // JS relays are read live from their sockets: the join's bytes show while connected.
        const live = await scrape();
        assert.ok(sum(live, 'infrarust_relay_bytes_total', { direction: 'down' }) - sum(before, 'infrarust_relay_bytes_total', { direction: 'down' }) > 100, 'live bytes down');
      }
      client.end();
      // Native relays report their totals when they end.
      await until(async () => {
        const m = await scrape();
        return sum(m, 'infrarust_relay_bytes_total', { direction: 'up' }) > sum(before, 'infrarust_relay_bytes_total', { direction: 'up' }) &&
          sum(m, 'infrarust_relay_bytes_total', { direction: 'down' }) - sum(before, 'infrarust_relay_bytes_total', { direction: 'down' }) > 100;
      }, 'relay bytes after the client left');
    } finally {
      delete process.env.INFRARUST_RELAY;
    }
  });
}

test('a real client held by a limbo handler shows in infrarust_limbo_players until it leaves; /stats says the same', async () => {
  const { client } = await joinServer({ port: proxy.port, domain: 'held.test', version: VERSION, username: 'Waiting', keep: true, timeoutMs: 10_000 });
  try {
    const m = await scrape();
    assert.equal(sum(m, 'infrarust_limbo_players'), 1);
    assert.equal(sum(m, 'infrarust_limbo_players_by_handler', { handler: 'gate' }), 1);
    const r = await fetch(`${web}/api/v1/stats`, { headers: { authorization: `Bearer ${KEY}` } });
    const stats = (await r.json()) as { limbo_players: number; relay_bytes: { up: number; down: number }; status_cache: { hits: number } };
    assert.equal(stats.limbo_players, 1);
    assert.equal(typeof stats.relay_bytes.up, 'number');
  } finally {
    client.end();
  }
  await until(async () => sum(await scrape(), 'infrarust_limbo_players') === 0, 'the limbo gauge back to 0');
});

test('a second ping of the same server is a status cache hit; listener calls are counted per plugin and event', async () => {
  const before = await scrape();
  await ping(proxy.port, 'lobby.test', VERSION);
  await ping(proxy.port, 'lobby.test', VERSION);
  const after = await scrape();
  const delta = (result: string) => sum(after, 'infrarust_status_cache_requests_total', { result }) - sum(before, 'infrarust_status_cache_requests_total', { result });
  assert.ok(delta('hit') >= 1, `a hit (hit ${delta('hit')}, miss ${delta('miss')})`);
  assert.equal(delta('hit') + delta('miss') + delta('stale'), 2, 'both pings counted');
  assert.ok(sum(after, 'infrarust_status_cache_entries') >= 1);
  const calls = (m: Map<string, Family>) => sum(m, 'infrarust_event_listener_calls_total', { plugin: 'metrics', event: 'ConnectionHandshake' });
  assert.equal(calls(after) - calls(before), 2, "the metrics plugin's own handshake listener, once per ping");
  assert.ok(after.has('infrarust_event_listener_sync_sampled_seconds_total'));
});
