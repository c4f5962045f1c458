/**
 * The Pterodactyl, Crafty and Docker managers against small fakes of their APIs
 * (test/helpers/fake-managers.ts; Docker on a unix socket with its events stream), and what
 * happens when a manager API answers 500, hangs, sends junk or is missing: the state becomes
 * unknown or crashed with a log line naming the server and the cause, retries back off, and the
 * proxy keeps serving every other server. Real clients ping through the proxy.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command, ServerManagerService, ServerState } from '../../sdk/index.ts';
import { startProxy, type Harness } from '../helpers/proxy-harness.ts';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { ping, plainText } from '../helpers/client.ts';
import { fakeCrafty, fakeDocker, fakePterodactyl, type FakeDocker, type FakePanel } from '../helpers/fake-managers.ts';

let h: Harness;
let backend: Backend;
let dir: string;
let ptero: FakePanel;
let crafty: FakePanel;
let docker: FakeDocker;
let bad: FakePanel;
let hang: FakePanel;
let junk: FakePanel;

const service = (): ServerManagerService => h.proxy.layers.registries.services.get('server-manager') as ServerManagerService;

async function waitState(id: string, want: ServerState, timeoutMs = 5_000): Promise<number> {
  const start = Date.now();
  while (service().state(id) !== want) {
    if (Date.now() - start > timeoutMs) throw new Error(`${id} is ${service().state(id)}, not ${want}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return Date.now() - start;
}

const motdOf = async (domain: string): Promise<string> => plainText((await ping(h.port, domain)).description);

function server(id: string, manager: string): string {
  return `domains = ["${id}.test"]\naddresses = ["127.0.0.1:${backend.port}"]\n[server_manager]\n${manager}\n`;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'managed-remote-'));
  backend = await startBackend({ version: '1.21.4', motd: 'the real backend' });
  ptero = await fakePterodactyl('abc123', 'ptlc_good');
  crafty = await fakeCrafty('7', 'crafty_token');
  docker = await fakeDocker(join(dir, 'docker.sock'), 'mc-survival', 'f00dcafe0001');
  [bad, hang, junk] = await Promise.all([fakePterodactyl('x', 'k'), fakePterodactyl('x', 'k'), fakeCrafty('x', 'k')]);
  bad.mode = '500';
  hang.mode = 'hang';
  junk.mode = 'junk';
  const panel = (type: string, url: string, id: string, key: string, extra = 'poll_interval = "300ms"') =>
    `type = "${type}"\napi_url = "${url}"\nserver_id = "${id}"\napi_key = "${key}"\n${extra}`;
  h = await startProxy({
    builtins: ['server-manager'],
    captureLogs: 'info',
    servers: {
      plain: `domains = ["plain.test"]\naddresses = ["127.0.0.1:${backend.port}"]\n`,
      ptero: server('ptero', panel('pterodactyl', ptero.url, 'abc123', 'ptlc_good', 'poll_interval = "200ms"\nshutdown_after = "1s"')),
      crafty: server('crafty', panel('crafty', crafty.url, '7', 'crafty_token', 'poll_interval = "200ms"')),
      docker: server('docker', `type = "docker"\ncontainer = "mc-survival"\ndocker_host = "unix://${join(dir, 'docker.sock')}"\npoll_interval = "30s"`),
      'ptero-bad': server('ptero-bad', panel('pterodactyl', bad.url, 'x', 'k')),
      'ptero-hang': server('ptero-hang', panel('pterodactyl', hang.url, 'x', 'k', 'poll_interval = "500ms"')),
      'crafty-junk': server('crafty-junk', panel('crafty', junk.url, 'x', 'k')),
      'docker-missing': server('docker-missing', `type = "docker"\ncontainer = "mc"\ndocker_host = "unix://${join(dir, 'missing.sock')}"\npoll_interval = "300ms"`),
    },
  });
  await Promise.all(['ptero', 'crafty', 'docker'].map((id) => waitState(id, 'sleeping')));
});

after(async () => {
  await h?.stop();
  await Promise.all([ptero, crafty, docker, bad, hang, junk].map((f) => f?.close()));
  await backend?.close();
  await rm(dir, { recursive: true, force: true });
});

test('pterodactyl: power signals with the client key, states from resources, idle stop after shutdown_after', async () => {
  assert.equal(await motdOf('ptero.test'), 'Server sleeping — Connect to wake up!', 'the built-in sleeping MOTD');
  assert.equal(ptero.state, 'offline', 'the ping did not start it');
  assert.deepEqual(await service().start('ptero'), { ok: true, state: 'starting' });
  const power = ptero.requests.find((r) => r.method === 'POST');
  assert.equal(power?.path, '/api/client/servers/abc123/power');
  assert.equal(power?.auth, 'Bearer ptlc_good');
  assert.deepEqual(JSON.parse(power!.body), { signal: 'start' });
  assert.equal(await motdOf('ptero.test'), 'Server is starting...');
  await waitState('ptero', 'online');
  assert.equal(await motdOf('ptero.test'), 'the real backend');
  await waitState('ptero', 'stopping', 8_000); // nobody joined: shutdown_after = 1s, checked every second (slack for a loaded machine)
  assert.deepEqual(JSON.parse(ptero.requests.filter((r) => r.method === 'POST').at(-1)!.body), { signal: 'stop' });
  await waitState('ptero', 'sleeping');
});

test('crafty: start_server / stop_server actions, running from stats, stop-server from the console', async () => {
  await service().start('crafty');
  assert.ok(crafty.requests.some((r) => r.method === 'POST' && r.path === '/api/v2/servers/7/action/start_server' && r.auth === 'Bearer crafty_token'));
  await waitState('crafty', 'online');
  const replies: string[] = [];
  await (h.proxy.layers.registries.commands.get('stop-server') as Command).execute({ reply: (t) => replies.push(t), hasPermission: () => true }, ['crafty']);
  assert.deepEqual(replies, ['crafty: stopping']);
  assert.ok(crafty.requests.some((r) => r.path === '/api/v2/servers/7/action/stop_server'));
  await waitState('crafty', 'sleeping');
});

test('docker over a unix socket: start, health, pause/unpause and a crash, followed through the events stream', async () => {
  await service().start('docker');
  assert.ok(docker.requests.some((r) => r.method === 'POST' && r.path === '/containers/mc-survival/start'));
  // poll_interval is 30 s: only the events stream can bring these changes this fast.
  const ms = await waitState('docker', 'online', 3_000);
  assert.ok(ms < 3_000);
  docker.set({ status: 'paused' }, 'pause');
  await waitState('docker', 'sleeping', 2_000);
  await service().start('docker');
  assert.ok(docker.requests.some((r) => r.path === '/containers/mc-survival/unpause'), 'a paused container is unpaused');
  await waitState('docker', 'online', 2_000);
  docker.set({ status: 'exited', exitCode: 1, health: undefined }, 'die');
  await waitState('docker', 'crashed', 2_000);
  assert.ok(h.logs.some((l) => l.level >= 50 && l.server === 'docker' && /exited with code 1/.test(String(l.cause))));
  assert.equal(await motdOf('docker.test'), 'Server unavailable');
});

test('an API answering 500: unknown, a log line naming server and cause, retries backing off; a start fails after bounded attempts', async () => {
  await waitState('ptero-bad', 'unknown');
  assert.ok(h.logs.some((l) => l.level === 40 && l.server === 'ptero-bad' && /HTTP 500/.test(String(l.cause))));
  const from = bad.requests.length;
  await new Promise((r) => setTimeout(r, 2_500));
  const polls = bad.requests.length - from;
  assert.ok(polls <= 4, `${polls} polls in 2.5 s with a 300 ms poll_interval: no backoff`);
  const gaps = bad.requests.slice(1).map((r, i) => r.at - bad.requests[i]!.at);
  assert.ok(gaps.at(-1)! > 2 * gaps[0]!, `gaps grow: ${gaps.join(', ')}`);
  const before = bad.requests.length;
  const r = await service().start('ptero-bad');
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.reason : '', /HTTP 500 .*after 3 attempts/);
  assert.equal(bad.requests.filter((x, i) => i >= before && x.method === 'POST').length, 3, 'three attempts, no more');
  assert.equal(service().state('ptero-bad'), 'crashed');
  assert.ok(h.logs.some((l) => l.level >= 50 && l.server === 'ptero-bad' && /start failed|could not be started/.test(l.msg)));
});

test('a hanging API, junk JSON and a missing Docker socket: unknown with the cause; pings still answer', async () => {
  await Promise.all([waitState('ptero-hang', 'unknown', 4_000), waitState('crafty-junk', 'unknown'), waitState('docker-missing', 'unknown')]);
  const cause = (id: string) => String(h.logs.find((l) => l.server === id && l.cause !== undefined)?.cause);
  assert.match(cause('ptero-hang'), /no answer within 1000 ms/);
  assert.match(cause('crafty-junk'), /junk .*not JSON/);
  assert.match(cause('docker-missing'), /missing\.sock.*ENOENT|ENOENT/);
  // unknown is not "asleep": the backend is asked as usual; other servers are untouched.
  assert.equal(await motdOf('crafty-junk.test'), 'the real backend');
  assert.equal(await motdOf('plain.test'), 'the real backend');
});
