// The Engine API client against the fake Engine over TCP (the unix socket is covered end to end).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeDocker, type FakeDocker } from '../../test/helpers/fake-docker.ts';
import { EngineError, followEvents, inspectContainer, listContainers, type ContainerEvent } from './engine.ts';
import { parseEndpoint } from './options.ts';

let docker: FakeDocker;
let endpoint: ReturnType<typeof parseEndpoint>;
const signal = new AbortController().signal;

before(async () => {
  docker = await startFakeDocker({ port: 0 });
  endpoint = parseEndpoint(`tcp://${docker.address}`);
});
after(() => docker.close());

test('list, inspect and a 404 over tcp://', async () => {
  const id = docker.start({ name: 'tcp1', labels: { 'infrarust.enable': 'true' }, networks: { net: '10.1.2.3' } });
  docker.start({ name: 'unlabelled', labels: {} });
  const list = await listContainers(endpoint, signal);
  assert.deepEqual(list.map((c) => [c.name, c.networks.net]), [['tcp1', '10.1.2.3']]);
  assert.equal((await inspectContainer(endpoint, id, signal))?.running, true);
  assert.equal(await inspectContainer(endpoint, 'nope', signal), undefined);
});

test('HTTP errors and junk are EngineErrors with the cause', async () => {
  docker.fault({ status: 500, body: '{"message":"boom"}' });
  await assert.rejects(listContainers(endpoint, signal), (err: Error) => err instanceof EngineError && /HTTP 500.*boom/.test(err.message));
  docker.fault({ status: 200, body: '<html>' });
  await assert.rejects(listContainers(endpoint, signal), /junk instead of JSON/);
  docker.fault({ status: 200, body: '{"not":"an array"}' });
  await assert.rejects(listContainers(endpoint, signal), /not a JSON array/);
});

test('the events stream: events in order, junk lines skipped, the end resolves', async () => {
  const events: ContainerEvent[] = [];
  const junk: string[] = [];
  const done = followEvents(endpoint, signal, { onOpen: () => undefined, onEvent: (e) => events.push(e), onJunk: (l) => junk.push(l) });
  await new Promise((r) => setTimeout(r, 100));
  const id = docker.start({ name: 'ev', labels: { 'infrarust.enable': 'true' } });
  docker.injectEventLine('garbage{');
  docker.stop(id);
  await new Promise((r) => setTimeout(r, 100));
  docker.endStreams();
  await done;
  assert.deepEqual(events.map((e) => e.action), ['create', 'start', 'kill', 'die', 'stop']);
  assert.equal(events[1]!.name, 'ev');
  assert.deepEqual(junk, ['garbage{']);
});
