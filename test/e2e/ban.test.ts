// The ban plugin end to end, with real 1.21.4 clients through the real proxy: banned names,
// UUIDs, addresses and ranges cannot join (names and UUIDs see the reason), a short ban expires,
// bans survive a restart, banning a connected player disconnects them, and a writer killed with
// SIGKILL at random moments never leaves bans.json torn.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join as pathJoin } from 'node:path';
import { startBackend, type Backend } from '../helpers/backend.ts';
import { join as joinServer, KickError, plainText } from '../helpers/client.ts';
import { startProxy, serverToml, type Harness } from '../helpers/proxy-harness.ts';
import { runCli } from '../helpers/cli-process.ts';
import type { BanService } from '../../builtin-plugins/ban/api.ts';
import { BanStore } from '../../builtin-plugins/ban/store.ts';
import { decodeBanFile, encodeBanFile } from '../../builtin-plugins/ban/storage.ts';

const VERSION = '1.21.4';
const DOMAIN = 'lobby.test';
let backend: Backend;
let proxy: Harness;
let dir: string;
let banFile: string;

const start = () =>
  startProxy({
    builtins: ['ban'],
    global: `[ban]\nfile = ${JSON.stringify(banFile)}\npurge_interval = "1s"\n`,
    servers: { lobby: serverToml([DOMAIN], [backend.port]) },
  });

const service = (): BanService => proxy.proxy.layers.registries.services.get('ban') as BanService;

/** The offline-mode UUID vanilla (and a 1.21.4 client's Login Start) uses: v3 of "OfflinePlayer:<name>". */
function offlineUuid(name: string): string {
  const b = createHash('md5').update(`OfflinePlayer:${name}`).digest();
  b[6] = (b[6] & 0x0f) | 0x30;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const join = (username: string) => joinServer({ port: proxy.port, domain: DOMAIN, version: VERSION, username, timeoutMs: 10_000 });

async function kickReason(username: string): Promise<string> {
  const err = await join(username).then(() => assert.fail(`${username} should be refused`), (e: unknown) => e);
  assert.ok(err instanceof KickError, String(err));
  return plainText(JSON.parse(err.reason));
}

async function refusedSilently(username: string): Promise<void> {
  const err = await join(username).then(() => assert.fail(`${username} should be refused`), (e: unknown) => e);
  assert.ok(!(err instanceof KickError), `no kick message for an address ban, got ${String(err)}`);
  assert.ok(!backend.joined.includes(username));
}

before(async () => {
  dir = await mkdtemp(pathJoin(tmpdir(), 'ban-e2e-'));
  banFile = pathJoin(dir, 'bans.json');
  await copyFile(new URL('../../builtin-plugins/ban/fixtures/v2-bans.json', import.meta.url), banFile);
  backend = await startBackend({ version: VERSION });
  proxy = await start();
});

after(async () => {
  await proxy?.stop();
  await backend?.close();
  await rm(dir, { recursive: true, force: true });
});

test('a ban from an existing v2 bans.json keeps a player out, with its reason', async () => {
  const reason = await kickReason('Griefer');
  assert.match(reason, /Reason: Griefing spawn/);
  assert.match(reason, /Expires in \d+d/);
  assert.ok(!backend.joined.includes('Griefer'));
});

test('a banned name cannot join and sees the reason', async () => {
  await service().ban({ type: 'username', value: 'namebanned' }, { reason: 'name reason', source: 'test' });
  const reason = await kickReason('NameBanned');
  assert.match(reason, /You are banned from this server\.\s*Reason: name reason\s*This ban is permanent\./);
  assert.ok(!backend.joined.includes('NameBanned'));
});

test('a banned UUID (the offline UUID a 1.21.4 client sends) cannot join', async () => {
  await service().ban({ type: 'uuid', value: offlineUuid('UuidBanned').replace(/-/g, '').toUpperCase() }, { reason: 'uuid reason' });
  assert.match(await kickReason('UuidBanned'), /Reason: uuid reason/);
  assert.ok(!backend.joined.includes('UuidBanned'));
});

test('a banned IP and a banned range are refused at accept, silently', async () => {
  const bans = service();
  await bans.ban({ type: 'ip', value: '127.0.0.1' });
  await refusedSilently('FromBannedIp');
  await bans.unban({ type: 'ip', value: '127.0.0.1' });
  await bans.ban({ type: 'ip_range', value: '127.0.0.0/8' });
  await refusedSilently('FromBannedRange');
  await bans.unban({ type: 'ip_range', value: '127.0.0.0/8' });
  await join('AfterUnban');
  assert.ok(backend.joined.includes('AfterUnban'));
});

test('a 2-second ban shows the remaining time, then expires and the player joins', async () => {
  await service().ban({ type: 'username', value: 'Shorty' }, { reason: 'cool off', durationMs: 2_000 });
  assert.match(await kickReason('Shorty'), /Reason: cool off\s*Expires in [123]s\./);
  await new Promise((r) => setTimeout(r, 3_100));
  await join('Shorty');
  assert.ok(backend.joined.includes('Shorty'));
});

test('banning a connected player disconnects them', async () => {
  const { client } = await joinServer({ port: proxy.port, domain: DOMAIN, version: VERSION, username: 'Connected', keep: true });
  const ended = new Promise<boolean>((resolve) => {
    client.once('end', () => resolve(true));
    setTimeout(() => resolve(false), 5_000);
  });
  client.on('error', () => undefined);
  await service().ban({ type: 'username', value: 'connected' }, { reason: 'caught' });
  assert.equal(await ended, true);
});

test('bans survive a restart (same file, new proxy)', async () => {
  await proxy.stop();
  proxy = await start();
  assert.match(await kickReason('NameBanned'), /Reason: name reason/);
  assert.match(await kickReason('UuidBanned'), /Reason: uuid reason/);
  const data = decodeBanFile(await readFile(banFile, 'utf8'), banFile);
  assert.ok(data.audit_log.some((a) => a.action === 'unban' && a.target.value === '127.0.0.1'));
});

test('a corrupt ban file keeps the real proxy from starting, naming the file', { timeout: 30_000 }, async () => {
  const cwd = await mkdtemp(pathJoin(tmpdir(), 'ban-corrupt-'));
  try {
    await writeFile(pathJoin(cwd, 'bans.json'), '{"bans": [ {"target": ');
    await writeFile(pathJoin(cwd, 'infrarust.toml'), 'bind = "127.0.0.1:0"\n[ban]\nfile = "bans.json"\n');
    const run = runCli(['--config', pathJoin(cwd, 'infrarust.toml')], cwd);
    try {
      await run.waitFor(/refusing to start without critical plugin/, 20_000);
      assert.match(run.output(), /refusing to start without critical plugin\(s\):[^\n]*ban \(/);
      assert.ok(run.output().includes(`ban file ${pathJoin(cwd, 'bans.json')} is not valid JSON`), run.output());
      assert.doesNotMatch(run.output(), /listening on/);
    } finally {
      // The launcher does not always exit after refusing to start (a kernel matter); end it here.
      run.killGroup('SIGKILL');
      await run.exited;
    }
  } finally {
    await rm(cwd, { recursive: true, force: true });
  }
});

const NOW = 1_700_000_000_000;
const REASON = 'r'.repeat(300);

/** The complete state after `n` bans, as the writer script produces it. */
function expectedState(n: number): string {
  const store = new BanStore(undefined, { now: () => NOW });
  for (let i = 0; i < n; i++) store.add({ type: 'username', value: `user${i}` }, { reason: REASON, source: 'kill-test' });
  return encodeBanFile(store.snapshot());
}

test('a SIGKILL in the middle of writing never leaves bans.json truncated or half-written', { timeout: 120_000 }, async () => {
  const file = pathJoin(dir, 'killed.json');
  const script = pathJoin(dir, 'writer.mts');
  const lib = (name: string) => JSON.stringify(new URL(`../../builtin-plugins/ban/${name}`, import.meta.url).href);
  await writeFile(script, `
import { BanStore } from ${lib('store.ts')};
import { encodeBanFile, readBanFile } from ${lib('storage.ts')};
import { testContext } from ${JSON.stringify(new URL('../../kernel/testing/plugin-test-kit.ts', import.meta.url).href)};
const file = process.argv[2];
const store = new BanStore((await readBanFile(file)) ?? undefined, { now: () => ${NOW} });
// The writer the plugin gets: ctx.files (kernel/plugin-system/host/durable-files.ts).
const writer = testContext({}).ctx.files.writer(file, () => encodeBanFile(store.snapshot()), { mode: 0o644 });
await writer.save();
process.stdout.write('done ' + store.size + '\\n');
for (;;) {
  store.add({ type: 'username', value: 'user' + store.size }, { reason: ${JSON.stringify(REASON)}, source: 'kill-test' });
  await writer.save();
  process.stdout.write('done ' + store.size + '\\n');
}
`);
  let previous = 0;
  for (let round = 0; round < 20; round++) {
    const child = spawn(process.execPath, ['--import', 'tsx', script, file], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => out.includes('done') && resolve());
      child.once('exit', (code) => reject(new Error(`writer exited early (${code}): ${err}`)));
    });
    await new Promise((r) => setTimeout(r, Math.random() * 200));
    child.kill('SIGKILL');
    await exited;
    const completed = [...out.matchAll(/done (\d+)\n/g)].map((m) => Number(m[1]));
    const lastDone = completed.at(-1)!;
    const text = await readFile(file, 'utf8');
    const n = decodeBanFile(text, file).bans.length;
    assert.ok(n === lastDone || n === lastDone + 1, `round ${round}: file has ${n} bans, the writer had completed ${lastDone}`);
    assert.ok(n >= previous, `round ${round}: went back from ${previous} to ${n}`);
    assert.equal(text, expectedState(n), `round ${round}: the file is exactly complete state ${n}`);
    previous = n;
  }
  assert.ok(previous > 20, `the writers made progress (${previous} bans)`);
});
