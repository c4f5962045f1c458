// A real minecraft-protocol client joins a real minecraft-protocol backend through the proxy,
// in passthrough mode, for versions from 1.7.10 to 26.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';

const VERSIONS = ['1.7', '1.8.8', '1.12.2', '1.16.5', '1.20.4', '1.21.4', '1.21.11', '26.1'];
const backends = new Map<string, Backend>();
let proxy: Harness;

before(async () => {
  const servers: Record<string, string> = {};
  for (const version of VERSIONS) {
    const backend = await startBackend({ version });
    backends.set(version, backend);
    servers[`v${version.replace(/\./g, '_')}`] = serverToml([`${version}.test`], [backend.port]);
  }
  proxy = await startProxy({ servers });
});

after(async () => {
  await proxy?.stop();
  for (const b of backends.values()) await b.close();
});

for (const version of VERSIONS) {
  test(`a ${version} client joins its backend through the proxy`, async () => {
    const username = `p${version.replace(/\./g, '')}`;
    const result = await join({ port: proxy.port, domain: `${version}.test`, version, username });
    assert.notEqual(result.entityId, undefined);
    assert.deepEqual(backends.get(version)!.joined, [username]);
    assert.deepEqual(
      [...backends.entries()].filter(([v, b]) => v !== version && b.joined.includes(username)),
      [],
      'no other backend saw the player',
    );
  });
}
