// Scaffold → load → edit → reload, end to end, with the real CLI in --dev mode: a real client
// stays connected through the reload, and a ping after the edit shows the edited plugin's MOTD.
// A broken edit, or one with type errors (--dev type-checks each reload), keeps the previous
// version running.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join as joinServer, ping, plainText } from '../helpers/client.ts';
import { freePort, runCli, type Running } from '../helpers/cli-process.ts';

let dir: string;
let backend: Backend;
let proxy: Running;
let port: number;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'infrarust-reload-'));
  backend = await startBackend({ version: '1.21.4', motd: 'from the backend' });
  port = await freePort();
  await writeFile(join(dir, 'infrarust.toml'), `bind = "127.0.0.1:${port}"\nplugins_dir = "plugins"\n`);
  await mkdir(join(dir, 'servers'));
  await writeFile(join(dir, 'servers', 'main.toml'), `domains = ["main.test"]\naddresses = ["127.0.0.1:${backend.port}"]\n`);
  const scaffold = runCli(['plugin', 'new', 'motdy'], dir);
  assert.equal((await scaffold.exited).code, 0, scaffold.output());
  proxy = runCli(['--dev', '-l', 'info'], dir);
  await proxy.waitFor(/listening on/);
});

after(async () => {
  proxy?.child.kill('SIGKILL');
  await backend?.close();
  await rm(dir, { recursive: true, force: true });
});

test('the scaffolded plugin loads and rewrites the MOTD', async () => {
  assert.match(proxy.output(), /plugin motdy loaded/);
  assert.equal(plainText((await ping(port, 'main.test')).description), 'Hello from motdy');
});

test('an edit reloads the plugin while a player stays connected', async () => {
  const { client } = await joinServer({ port, domain: 'main.test', version: '1.21.4', username: 'stayer', keep: true });
  let ended = false;
  client.on('end', () => { ended = true; });
  const file = join(dir, 'plugins', 'motdy', 'index.ts');
  const source = await readFile(file, 'utf8');
  await writeFile(file, source.replace("'§bHello from motdy'", "'§dEdited live'"));
  await proxy.waitFor(/plugin motdy reloaded/, 10_000); // type check included
  assert.equal(plainText((await ping(port, 'main.test')).description), 'Edited live');
  assert.equal(ended, false, 'the player was not disconnected by the reload');
  assert.equal(client.state, 'play');
  client.end();
});

test('a save with a type error is type-checked: the previous version keeps running and the log names file:line', async () => {
  const file = join(dir, 'plugins', 'motdy', 'index.ts');
  const source = await readFile(file, 'utf8');
  const typo = source.replace('event.response.description = legacyToComponent(ctx.config.motd);', "event.response.description = legacyToComponent(ctx.config.motd);\n        event.response.players.max = 'lots';");
  assert.notEqual(typo, source);
  await writeFile(file, typo);
  await proxy.waitFor(/plugin motdy reload failed; the previous version keeps running/, 10_000);
  await proxy.waitFor(/IR_ERR_PLUGIN_TYPES/, 1000);
  const line = typo.split('\n').findIndex((l) => l.includes("'lots'")) + 1;
  assert.match(proxy.output(), new RegExp(`plugins/motdy/index\\.ts:${line}:\\d+: Type 'string' is not assignable to type 'number'`));
  const answer = await ping(port, 'main.test');
  assert.equal(plainText(answer.description), 'Edited live');
  assert.equal(answer.players.max, 20, 'the string never reached a client');
  await writeFile(file, source);
  await proxy.waitFor(/plugin motdy reloaded[\s\S]*plugin motdy reloaded/, 10_000);
});

test('a broken edit keeps the previous version running', async () => {
  const file = join(dir, 'plugins', 'motdy', 'index.ts');
  const source = await readFile(file, 'utf8');
  await writeFile(file, source.replace('export default definePlugin({', 'export default definePlugin({ this is not typescript'));
  await proxy.waitFor(/plugin motdy reload failed[\s\S]*plugin motdy reload failed/, 10_000);
  const answer = await ping(port, 'main.test').catch((err: Error) => assert.fail(`${err.message}\n${proxy.output()}`));
  assert.equal(plainText(answer.description), 'Edited live');
});

test('a plugin folder dropped in loads at once, and removing it unloads it', async () => {
  const extra = join(dir, 'plugins', 'dropped');
  await cp(join(dir, 'plugins', 'motdy'), join(dir, 'staging'), { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, 'staging', 'plugin.json'), 'utf8')) as { id: string };
  manifest.id = 'dropped';
  await writeFile(join(dir, 'staging', 'plugin.json'), JSON.stringify(manifest));
  const source = await readFile(join(dir, 'staging', 'index.ts'), 'utf8');
  await writeFile(join(dir, 'staging', 'index.ts'), source.replace('this is not typescript', '').replace("name: 'motdy'", "name: 'dropped'"));
  await cp(join(dir, 'staging'), extra, { recursive: true });
  await proxy.waitFor(/plugin dropped loaded/, 10_000);
  await rm(extra, { recursive: true });
  await proxy.waitFor(/plugin dropped unloaded/, 5000);
});

test('plugin list shows each plugin with version, source and state', async () => {
  const list = runCli(['plugin', 'list'], dir);
  assert.equal((await list.exited).code, 0);
  assert.match(list.output(), /motdy\s+0\.1\.0\s+user\s+(loaded|failed)/);
});
