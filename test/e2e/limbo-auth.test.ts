// The builtin `auth` plugin end to end (issue 12): an offline server with limbo_handlers =
// ["auth"]; a real client is held in the proxy's limbo world, registers, reaches the backend;
// next time it logs in with the password; a wrong password is refused and the backend never
// sees that attempt. Passwords never reach the proxy's logs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { nextChat } from '../helpers/play-peer.ts';

const VERSIONS = ['1.8.8', '1.21.4'];
const PASSWORD = 'Correct-Horse-42';
const backends = new Map<string, Backend>();
let proxy: Harness;

before(async () => {
  const servers: Record<string, string> = {};
  for (const v of VERSIONS) {
    const backend = await startBackend({ version: v });
    backends.set(v, backend);
    servers[`s${v.replace(/\./g, '')}`] = serverToml([`${v}.test`], [backend.port], 'proxy_mode = "offline"\nlimbo_handlers = ["auth"]');
  }
  proxy = await startProxy({ servers, builtins: ['auth'], captureLogs: 'debug' } as Parameters<typeof startProxy>[0]);
});

after(async () => {
  await proxy?.stop();
  for (const b of backends.values()) await b.close();
});

/** Joins, waits for the auth prompt, types `line`, resolves with the client once the backend saw the player (or rejects). */
async function loginWith(version: string, username: string, line: string, prompt: string): Promise<mc.Client> {
  const backend = backends.get(version)!;
  const before = backend.joined.length;
  let ready: Promise<string> | undefined;
  const { client } = await join({
    port: proxy.port, domain: `${version}.test`, version, username, keep: true,
    onClient: (c) => void (ready = nextChat(c, prompt, 8000)),
  });
  await ready;
  client.chat(line);
  const deadline = Date.now() + 8000;
  while (backend.joined.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (backend.joined.length === before) {
    client.end();
    throw new Error(`${username} never reached the backend`);
  }
  return client;
}

for (const version of VERSIONS) {
  test(`${version}: register in limbo, reach the backend; log in next time; a wrong password stays out`, async () => {
    const name = `Auth${version.replace(/\./g, '')}`;
    const first = await loginWith(version, name, `/register ${PASSWORD} ${PASSWORD}`, 'register');
    first.end();
    assert.ok(backends.get(version)!.joined.includes(name));
    await new Promise((r) => setTimeout(r, 200));
    await assert.rejects(loginWith(version, name, '/login wrong-password-1', 'login'));
    const again = await loginWith(version, name, `/login ${PASSWORD}`, 'login');
    again.end();
    assert.equal(backends.get(version)!.joined.filter((n) => n === name).length, 2);
    const logs = JSON.stringify((proxy as unknown as { logs?: unknown[] }).logs ?? []);
    assert.ok(!logs.includes(PASSWORD) && !logs.includes('wrong-password-1'), 'no password in the logs');
  });
}
