import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerServer, labelForPath, resolveHost, type ContainerInfo } from './labels.ts';

const base: ContainerInfo = { id: 'abc', name: 'mc', labels: { 'infrarust.enable': 'true' }, running: true, networks: {}, ports: [] };

test('defaults: <name>.docker.local, port 25565, the container name as host without any network', () => {
  const s = containerServer(base, undefined);
  assert.ok(!('problems' in s));
  assert.equal(s.id, 'mc');
  assert.deepEqual(s.config, { domains: ['mc.docker.local'], addresses: ['mc:25565'] });
});

test('address order: preferred network, any network, published port, name', () => {
  const c = { ...base, networks: { a: '10.0.0.2', pref: '10.0.1.2' }, ports: [{ privatePort: 25565, hostIp: '0.0.0.0', hostPort: 30001 }] };
  assert.deepEqual(resolveHost(c, 25565, 'pref'), { host: '10.0.1.2', port: 25565 });
  assert.deepEqual(resolveHost(c, 25565, 'missing'), { host: '10.0.0.2', port: 25565 });
  assert.deepEqual(resolveHost({ ...c, networks: {} }, 25565, undefined), { host: '127.0.0.1', port: 30001 });
});

test('labels map to server keys; invalid values are named by label', () => {
  const ok = containerServer({ ...base, labels: { ...base.labels, 'infrarust.name': 'srv', 'infrarust.domains': 'a.test, b.test', 'infrarust.port': '25570', 'infrarust.proxy_mode': 'Client_Only', 'infrarust.send_proxy_protocol': '1', 'infrarust.motd.text': 'hi', 'infrarust.max_players': '2', 'infrarust.limbo_handlers': 'queue' } }, undefined);
  assert.ok(!('problems' in ok));
  assert.deepEqual(ok.config, { domains: ['a.test', 'b.test'], addresses: ['mc:25570'], proxy_mode: 'client_only', send_proxy_protocol: true, motd: { online: { text: 'hi' } }, max_players: 2, limbo_handlers: ['queue'] });
  const bad = containerServer({ ...base, labels: { ...base.labels, 'infrarust.port': '70000', 'infrarust.send_proxy_protocol': 'yes', 'infrarust.max_players': '-1', 'infrarust.domains': ' , ' } }, undefined);
  assert.ok('problems' in bad);
  assert.deepEqual(bad.problems.map((p) => p.label).sort(), ['infrarust.domains', 'infrarust.max_players', 'infrarust.port', 'infrarust.send_proxy_protocol']);
});

test('a key path the kernel refuses maps back to its label', () => {
  assert.equal(labelForPath({ domains: 'infrarust.domains' }, 'domains[0]'), 'infrarust.domains');
  assert.equal(labelForPath({}, 'motd.online.text'), 'infrarust.motd.online.text');
});

test('endpoints: unix socket paths and tcp host:port', async () => {
  const { parseEndpoint, DockerSchema } = await import('./options.ts');
  assert.deepEqual(parseEndpoint('unix:///var/run/docker.sock'), { socketPath: '/var/run/docker.sock' });
  assert.deepEqual(parseEndpoint('tcp://10.0.0.2:2375'), { host: '10.0.0.2', port: 2375 });
  assert.deepEqual(parseEndpoint('tcp://[::1]:2376'), { host: '::1', port: 2376 });
  assert.equal(DockerSchema.safeParse({ endpoint: 'ftp://x' }).success, false);
  assert.equal(DockerSchema.parse(undefined), undefined, 'absent table: off');
});
