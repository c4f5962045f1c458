// The Docker provider (issue 15) against a fake Docker Engine on a unix socket that speaks the
// documented API and changes over time, with real minecraft-protocol clients and backends:
// - a labelled container starting adds its route within a second, a real client joins through
//   it, and `servers` says where it came from; stopping the container removes the route;
// - a server file wins over a container with the same id (a warning names both);
// - invalid labels are logged naming the container and the label, the rest keeps working;
// - a missing socket, a 500, junk JSON and an events stream that ends are logged with their
//   cause, retried with backoff, and a rescan picks up what changed meanwhile.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join, ping, plainText } from '../helpers/client.ts';
import { startFakeDocker, type FakeDocker } from '../helpers/fake-docker.ts';
import { coreCommands } from '../../builtin-plugins/console/core-commands.ts';
import { startProxy, serverToml, type Harness, type LogLine } from '../helpers/proxy-harness.ts';

const VERSION = '1.21.4';
let dir: string;
let socketPath: string;
let docker: FakeDocker | undefined;
let proxy: Harness;
let a: Backend;
let b: Backend;

async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - start;
}

const route = (id: string) => proxy.api.servers().find((s) => s.id === id);
const logged = (pred: (l: LogLine) => boolean): LogLine | undefined => proxy.logs.find(pred);

before(async () => {
  dir = await mkdtemp(joinPath(tmpdir(), 'fake-docker-'));
  socketPath = joinPath(dir, 'docker.sock');
  [a, b] = await Promise.all([startBackend({ version: VERSION, motd: 'from A' }), startBackend({ version: VERSION, motd: 'from B' })]);
  // The socket does not exist yet: the provider must say so and keep retrying.
  proxy = await startProxy({
    builtins: ['docker-provider'],
    captureLogs: 'info',
    global: `[docker]\nendpoint = "unix://${socketPath}"\nreconnect_delay = "100ms"\npoll_interval = "30s"\n`,
    servers: { lobby: serverToml(['lobby.test'], [a.port]) },
  });
});

after(async () => {
  await proxy?.stop();
  await docker?.close();
  await Promise.all([a?.close(), b?.close()]);
  await rm(dir, { recursive: true, force: true });
});

test('a missing socket is logged with its cause; the proxy keeps serving; the provider connects once the Engine appears', async () => {
  await waitFor(() => logged((l) => l.msg.includes('Docker Engine API unavailable') && String(l.cause).includes('ENOENT')) !== undefined, 'the missing-socket log line');
  assert.match(plainText((await ping(proxy.port, 'lobby.test', VERSION)).description), /from A/);
  docker = await startFakeDocker({ socketPath });
  await waitFor(() => docker!.streams === 1, 'the events stream to open', 5000);
  assert.ok(docker.requests.includes('/containers/json'), 'a full scan came first');
});

test('a labelled container starting adds its route within a second; a real client joins through it; servers shows the source', async () => {
  const started = Date.now();
  docker!.start({ name: 'mc1', labels: { 'infrarust.enable': 'true', 'infrarust.domains': 'mc1.test, alt.mc1.test', 'infrarust.port': String(a.port) }, networks: { bridge: '127.0.0.1' } });
  await waitFor(() => route('mc1') !== undefined, 'the mc1 route', 1000);
  assert.ok(Date.now() - started < 1000);
  const s = route('mc1')!;
  assert.deepEqual(s.domains, ['mc1.test', 'alt.mc1.test']);
  assert.deepEqual(s.addresses, [`127.0.0.1:${a.port}`]);
  assert.equal(s.source, 'docker');
  assert.equal(s.origin, 'container mc1');
  assert.equal(route('lobby')!.source, 'file');
  await join({ port: proxy.port, domain: 'mc1.test', version: VERSION, username: 'DockerJoiner' });
  assert.ok(a.joined.includes('DockerJoiner'));
  const line = await consoleServers();
  assert.match(line, /mc1: mc1\.test, alt\.mc1\.test -> .*from docker: container mc1/);
});

test('stopping the container removes its route', async () => {
  const id = docker!.start({ name: 'mc-temp', labels: { 'infrarust.enable': 'true', 'infrarust.port': String(b.port) }, networks: { bridge: '127.0.0.1' } });
  await waitFor(() => route('mc-temp') !== undefined, 'the mc-temp route', 1000);
  assert.deepEqual(route('mc-temp')!.domains, ['mc-temp.docker.local'], 'the default domain is <container>.docker.local');
  docker!.stop(id);
  await waitFor(() => route('mc-temp') === undefined, 'the route to go', 1000);
  assert.ok(logged((l) => l.msg.includes('route removed') && l.container === 'mc-temp'));
  assert.ok(route('mc1') !== undefined, 'the other container stays');
});

test('a server file wins over a container with the same id, with a warning', async () => {
  await proxy.writeServer('dup', serverToml(['dup-file.test'], [a.port]));
  await waitFor(() => route('dup') !== undefined, 'the dup file');
  docker!.start({ name: 'dup', labels: { 'infrarust.enable': 'true', 'infrarust.domains': 'dup-docker.test', 'infrarust.port': String(b.port) }, networks: { bridge: '127.0.0.1' } });
  await waitFor(() => logged((l) => l.level === 40 && l.server === 'dup' && l.msg.includes('is also defined by the server file')) !== undefined, 'the file-wins warning', 1000);
  assert.equal(route('dup')!.source, 'file');
  assert.deepEqual(route('dup')!.domains, ['dup-file.test']);
  assert.match(plainText((await ping(proxy.port, 'dup-file.test', VERSION)).description), /from A/);
  // Removing the file lets the container's server through.
  await proxy.removeServer('dup');
  await waitFor(() => route('dup')?.source === 'docker', 'the container to take over');
  assert.match(plainText((await ping(proxy.port, 'dup-docker.test', VERSION)).description), /from B/);
});

test('invalid labels are logged naming the container and the label; the container is not routed', async () => {
  docker!.start({ name: 'broken', labels: { 'infrarust.enable': 'true', 'infrarust.port': 'lots', 'infrarust.proxy_mode': 'fast' }, networks: { bridge: '127.0.0.1' } });
  await waitFor(() => logged((l) => l.container === 'broken' && l.msg.includes('invalid labels')) !== undefined, 'the bad-label log', 1000);
  const line = logged((l) => l.container === 'broken')!;
  assert.match(String(line.problems), /infrarust\.port: "lots" is not a port/);
  assert.match(String(line.problems), /infrarust\.proxy_mode: "fast" is not one of/);
  // A value only the server schema refuses is named by its label too.
  docker!.start({ name: 'baddomain', labels: { 'infrarust.enable': 'true', 'infrarust.domains': 'play.test:25565', 'infrarust.port': String(b.port) }, networks: { bridge: '127.0.0.1' } });
  await waitFor(() => logged((l) => l.container === 'baddomain' && l.msg.includes('invalid labels')) !== undefined, 'the schema-refusal log', 1000);
  assert.match(String(logged((l) => l.container === 'baddomain')!.problems), /^infrarust\.domains: domains\[0\]/);
  assert.equal(route('broken'), undefined);
  assert.equal(route('baddomain'), undefined);
  assert.ok(route('mc1') !== undefined);
});

test('a 500, junk JSON and an ended events stream are logged, retried with backoff, and a rescan catches up', async () => {
  const before = proxy.logs.length;
  docker!.fault({ status: 500, body: '{"message":"boom"}' }, 1);
  docker!.fault({ status: 200, body: 'not json at all' }, 1);
  docker!.injectEventLine('{"this is": junk');
  await waitFor(() => logged((l) => l.msg.includes('not the documented JSON')) !== undefined, 'the junk-event log', 1000);
  docker!.endStreams();
  await waitFor(() => proxy.logs.slice(before).some((l) => l.msg.includes('events stream ended')), 'the stream-ended log', 1000);
  // While reconnecting (the list answers junk once), a container starts: the rescan adds it.
  docker!.start({ name: 'late', labels: { 'infrarust.enable': 'true', 'infrarust.port': String(b.port) }, networks: { bridge: '127.0.0.1' } });
  await waitFor(() => route('late') !== undefined, 'the late container', 3000);
  assert.ok(proxy.logs.slice(before).some((l) => String(l.cause).includes('junk instead of JSON')), 'the junk answer is logged with its cause');
  assert.ok(route('mc1') !== undefined, 'known routes stayed in service');
  await join({ port: proxy.port, domain: 'late.docker.local', version: VERSION, username: 'LateJoiner' });
  assert.ok(b.joined.includes('LateJoiner'));
});

/** The console's real `servers` command, run against the proxy's API. */
async function consoleServers(): Promise<string> {
  const servers = coreCommands({ proxy: proxy.api } as Parameters<typeof coreCommands>[0]).find((c) => c.name === 'servers')!;
  let out = '';
  await servers.execute({ reply: (text: string) => void (out += text), hasPermission: () => true } as unknown as Parameters<typeof servers.execute>[0], []);
  return out;
}

test('a hot reload of the plugin keeps the routes (the new version takes the provider over) and keeps following events', async () => {
  const dir = proxy.host!.list().find((p) => p.id === 'docker-provider')!.dir!;
  let blinked = false;
  const watch = setInterval(() => void (route('mc1') === undefined && (blinked = true)), 2);
  assert.equal(await proxy.host!.reloadDir(dir), true);
  await waitFor(() => docker!.streams === 1 && docker!.requests.filter((r) => r === '/events').length > 0, 'one events stream after the reload');
  clearInterval(watch);
  assert.equal(blinked, false, 'mc1 stayed routed through the reload');
  docker!.start({ name: 'after-reload', labels: { 'infrarust.enable': 'true', 'infrarust.port': String(a.port) }, networks: { bridge: '127.0.0.1' } });
  await waitFor(() => route('after-reload') !== undefined, 'a container started after the reload', 1000);
  assert.equal(route('after-reload')!.source, 'docker');
});
