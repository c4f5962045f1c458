// A limbo hold across a hot reload of the plugin that holds (issue 12: "a hold survives a plugin
// hot reload or the handler is told to release its players — define which and test it"). The
// rule (kernel/limbo/handler-chain.ts): a held player is re-run against the reloaded handler
// (`onPlayerEnter` again, in the world they are already in); an unloaded handler's players are
// disconnected with a reason. Here the real CLI runs in --dev mode with a scaffolded native
// plugin edited into a limbo handler; a real 1.21.4 client is held, the plugin's file is edited,
// and the edited handler greets the same player and lets them through to the backend.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type mc from 'minecraft-protocol';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join as joinServer } from '../helpers/client.ts';
import { nextChat } from '../helpers/play-peer.ts';
import { freePort, runCli, type Running } from '../helpers/cli-process.ts';

let dir: string;
let backend: Backend;
let proxy: Running;
let port: number;

const handlerSource = (greeting: string): string => `import { definePlugin, hold, accept } from 'infrarust/sdk';

export default definePlugin({
  setup(ctx) {
    ctx.limbo.register({
      name: 'gatekeeper',
      onPlayerEnter(session) {
        session.sendMessage('${greeting} ' + session.player.username);
        return hold();
      },
      onCommand(session, command) {
        if (command === 'enter') session.complete(accept());
      },
    });
  },
});
`;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'infrarust-limbo-reload-'));
  backend = await startBackend({ version: '1.21.4' });
  port = await freePort();
  await writeFile(join(dir, 'infrarust.toml'), `bind = "127.0.0.1:${port}"\nplugins_dir = "plugins"\n`);
  await mkdir(join(dir, 'servers'));
  await writeFile(join(dir, 'servers', 'held.toml'), `domains = ["held.test"]\naddresses = ["127.0.0.1:${backend.port}"]\nproxy_mode = "offline"\nlimbo_handlers = ["gatekeeper"]\n`);
  const scaffold = runCli(['plugin', 'new', 'gatekeeper'], dir);
  assert.equal((await scaffold.exited).code, 0, scaffold.output());
  await writeFile(join(dir, 'plugins', 'gatekeeper', 'index.ts'), handlerSource('First version greets'));
  proxy = runCli(['--dev', '-l', 'info'], dir);
  await proxy.waitFor(/listening on/);
});

after(async () => {
  proxy?.child.kill('SIGKILL');
  await backend?.close();
  await rm(dir, { recursive: true, force: true });
});

test('a held player is re-run against the reloaded handler and goes on to the backend', async () => {
  let first: Promise<string> | undefined;
  const { client } = await joinServer({
    port,
    domain: 'held.test',
    version: '1.21.4',
    username: 'Holder',
    keep: true,
    onClient: (c: mc.Client) => (first = nextChat(c, 'First version greets Holder', 8000)),
  });
  try {
    await first;
    let ended = false;
    client.on('end', () => {
      ended = true;
    });
    const second = nextChat(client, 'Second version greets Holder', 15_000);
    await writeFile(join(dir, 'plugins', 'gatekeeper', 'index.ts'), handlerSource('Second version greets'));
    await proxy.waitFor(/plugin gatekeeper reloaded/, 15_000);
    await second;
    assert.equal(ended, false, 'the reload did not disconnect the held player');
    assert.ok(!backend.joined.includes('Holder'), 'still held, not on the backend');
    client.chat('/enter');
    const end = Date.now() + 8000;
    while (!backend.joined.includes('Holder') && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    assert.ok(backend.joined.includes('Holder'), 'the reloaded handler let the player through');
  } finally {
    client.end('done');
  }
});
