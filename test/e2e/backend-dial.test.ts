// Dialling the backend, on both paths: the native addon's dial (native/splice: non-blocking
// connects in its epoll thread) and the JS dial (INFRARUST_RELAY=js). Addresses in order (a dead
// first address, then one that answers), every address dead (disconnect_message, the warn line,
// ConnectionRejected 'backend-unreachable'), the per-address connect timeout (an address whose
// listen queue is full never answers: its SYNs are dropped), and which address the
// ServerConnected event and the "player connected" line name.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, KickError } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { freePort } from '../helpers/cli-process.ts';
import { loadNativeRelay, nativeRelayStats } from '../../kernel/net/native-relay.ts';

const VERSION = '1.21.4';
const native = loadNativeRelay();
let backend: Backend;
let proxy: Harness;
let hanging: { port: number; child: ChildProcess; fill: Socket[] };
const connected: string[] = [];
const rejected: string[] = [];

/** A listener that never accepts (stopped process, queue full): connects to it hang. */
async function hangingListener(): Promise<typeof hanging> {
  const child = spawn(process.execPath, ['-e', `const s = require('net').createServer(); s.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => process.send(s.address().port));`], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve) => child.once('message', (p) => resolve(p as number)));
  process.kill(child.pid!, 'SIGSTOP');
  const fill: Socket[] = [];
  for (let i = 0; i < 4; i++) {
    const s = connect(port, '127.0.0.1');
    s.on('error', () => undefined);
    fill.push(s);
  }
  await new Promise((r) => setTimeout(r, 100));
  return { port, child, fill };
}

before(async () => {
  backend = await startBackend({ version: VERSION });
  hanging = await hangingListener();
  const dead = await freePort();
  proxy = await startProxy({
    captureLogs: 'debug',
    servers: {
      failover: serverToml(['failover.test'], [dead, backend.port]),
      down: serverToml(['down.test'], [dead, await freePort()], 'disconnect_message = "§cAll down"'),
      // No ejection (probes off, a failed connect's mark lasts 1 ms): every login pays the hanging
      // address's connect timeout, which is what the test measures on both paths.
      slow: serverToml(['slow.test'], [hanging.port, backend.port], '[timeouts]\nconnect = "300ms"\n[active_health]\nenabled = false\nunhealthy_interval = "1ms"'),
      stuck: serverToml(['stuck.test'], [hanging.port], 'disconnect_message = "§eToo slow"\n[timeouts]\nconnect = "300ms"'),
      named: `domains = ["named.test"]\naddresses = ["no-such-host.invalid:25565", "localhost:${backend.port}"]\n`,
    },
  });
  proxy.proxy.layers.events.on('t', 'ServerConnected', (e) => void connected.push(`${e.player.username} ${e.backend}`));
  proxy.proxy.layers.events.on('t', 'ConnectionRejected', (e) => void rejected.push(e.reason));
});

after(async () => {
  delete process.env.INFRARUST_RELAY;
  await proxy?.stop();
  await backend?.close();
  for (const s of hanging?.fill ?? []) s.destroy();
  hanging?.child.kill('SIGKILL');
});

function useRelay(kind: 'native' | 'js'): void {
  if (kind === 'js') process.env.INFRARUST_RELAY = 'js';
  else delete process.env.INFRARUST_RELAY;
}

function lines(msg: string, username?: string): Record<string, unknown>[] {
  return proxy.logs.filter((l) => l.msg === msg && (username === undefined || l.player === username));
}

async function kickOf(domain: string, username: string): Promise<string> {
  const err = await join({ port: proxy.port, domain, version: VERSION, username }).then(
    () => assert.fail('join should have been refused'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof KickError, String(err));
  const reason = JSON.parse(err.reason) as { text?: string; extra?: { text: string }[] };
  return (reason.text ?? '') + (reason.extra ?? []).map((p) => p.text).join('');
}

for (const kind of ['native', 'js'] as const) {
  const skip = kind === 'native' && !native.ok ? `native relay unavailable: ${native.ok ? '' : native.reason}` : false;

  test(`${kind}: a dead first address is skipped for the second; the event and the log name the second`, { skip, timeout: 20_000 }, async () => {
    useRelay(kind);
    await settled(); // the previous test's relays have ended
    const before = nativeRelayStats().relays;
    const name = `fo_${kind}`;
    await join({ port: proxy.port, domain: 'failover.test', version: VERSION, username: name });
    assert.ok(backend.joined.includes(name));
    assert.ok(connected.includes(`${name} 127.0.0.1:${backend.port}`), connected.join('; '));
    assert.equal(lines('player connected', name)[0]?.backend, `127.0.0.1:${backend.port}`);
    const failed = proxy.logs.filter((l) => l.msg === 'backend address failed' && l.server === 'failover');
    assert.match(String(failed.at(-1)?.reason), /ECONNREFUSED/);
    await settled();
    assert.equal(nativeRelayStats().relays > before, kind === 'native', `relayed by the ${kind} path`);
  });

  test(`${kind}: every address dead: disconnect_message, a warn line, ConnectionRejected backend-unreachable`, { skip, timeout: 20_000 }, async () => {
    useRelay(kind);
    const name = `down_${kind}`;
    const count = rejected.length;
    assert.equal(await kickOf('down.test', name), 'All down');
    const warn = lines('no backend reachable', name);
    assert.equal(warn.length, 1);
    assert.match(String(warn[0]!.reason), /^no backend answered: 127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\), 127\.0\.0\.1:\d+ \(.*ECONNREFUSED.*\)$/);
    assert.deepEqual(rejected.slice(count), ['backend-unreachable']);
    await settled();
  });

  test(`${kind}: an address that never answers costs the connect timeout, then the next one is used`, { skip, timeout: 20_000 }, async () => {
    useRelay(kind);
    const name = `slow_${kind}`;
    const t0 = Date.now();
    await join({ port: proxy.port, domain: 'slow.test', version: VERSION, username: name });
    const ms = Date.now() - t0;
    assert.ok(ms >= 280 && ms < 2_000, `joined after ${ms} ms`);
    assert.ok(connected.includes(`${name} 127.0.0.1:${backend.port}`));
    const failed = proxy.logs.filter((l) => l.msg === 'backend address failed' && l.server === 'slow');
    assert.equal(failed.at(-1)?.reason, 'timed out after 300 ms');
  });

  test(`${kind}: only a hanging address: the kick comes after the connect timeout`, { skip, timeout: 20_000 }, async () => {
    useRelay(kind);
    const t0 = Date.now();
    assert.equal(await kickOf('stuck.test', `stuck_${kind}`), 'Too slow');
    const ms = Date.now() - t0;
    assert.ok(ms >= 280 && ms < 2_000, `kicked after ${ms} ms`);
    await settled();
  });

  test(`${kind}: a name that does not resolve is skipped for one that does`, { skip, timeout: 20_000 }, async () => {
    useRelay(kind);
    const name = `named_${kind}`;
    await join({ port: proxy.port, domain: 'named.test', version: VERSION, username: name });
    assert.ok(backend.joined.includes(name));
    assert.ok(connected.includes(`${name} localhost:${backend.port}`), connected.join('; '));
  });
}

async function settled(): Promise<void> {
  for (let i = 0; i < 100 && (proxy.proxy.activeConnections > 0 || nativeRelayStats().active > 0); i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(proxy.proxy.activeConnections, 0, 'the proxy closed every connection');
  assert.equal(nativeRelayStats().active, 0, 'the addon holds no relay');
}
