// The plugin loaded with the test kit: PreLogin joins drive attack mode (logged, exposed by the
// service), the handler is registered as `antibot`, and unloading leaves nothing behind.
import { test } from 'node:test';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { testContext } from 'infrarust/sdk/testing';
import type { HandlerResult, LimboSession } from '../../sdk/index.ts';
import type {} from './api.ts';
import plugin from './index.ts';
import { AntibotSchema, type AntibotInput, type AntibotSettings } from './options.ts';

async function load(input: AntibotInput) {
  const t = testContext<AntibotSettings>(AntibotSchema.parse(input), { id: 'antibot' });
  await plugin.setup(t.ctx as never);
  return t;
}

const preLogin = (n: number) => ({ player: { connectionId: n, username: `Bot${n}`, remoteAddress: `10.0.0.${n % 250}`, protocolVersion: 769 }, serverId: 'lobby' });

function session(username: string) {
  const messages: string[] = [];
  const ok = { ok: true } as const;
  return {
    messages,
    session: {
      player: { connectionId: 9999, username, remoteAddress: '203.0.113.1', protocolVersion: 769, verified: false, profile: undefined },
      entry: { type: 'initial' },
      active: true,
      sendMessage: (m: unknown) => (messages.push(String(m)), ok),
      sendTitle: () => ok,
      sendActionBar: () => ok,
      kick: () => ok,
      complete: (_r: HandlerResult) => undefined,
    } as unknown as LimboSession,
  };
}

test('joins over the threshold turn attack mode on (logged); the handler then holds; the service counts', async () => {
  const t = await load({ joins_per_second: 5, attack_cooldown: '1h', storage: { enabled: false } });
  const handler = t.limboHandlers.get('antibot')!;
  assert.ok(handler, 'registered under the name antibot');
  const service = t.ctx.services.get('antibot')!;
  assert.equal(service.stats().attack, false);
  assert.equal((await handler.onPlayerEnter(session('Calm').session)).type, 'accept');

  for (let i = 0; i < 5; i++) {
    const e = await t.fire('PreLogin', preLogin(i));
    assert.equal(e.result, undefined, 'PreLogin is observed, never answered');
  }
  assert.equal(service.stats().attack, false, '5 joins/s is not above 5');
  await t.fire('PreLogin', preLogin(6));
  assert.equal(service.stats().attack, true);
  assert.ok(t.logs.some((l) => l.level === 'warn' && /attack mode on/.test(l.msg)));

  const s = session('Steve');
  assert.equal((await handler.onPlayerEnter(s.session)).type, 'hold-with-timeout');
  const code = /§l([A-Z2-9]{5})§e/.exec(s.messages[0]!)![1]!;
  await handler.onChat!(s.session, code);
  const stats = service.stats();
  assert.equal(stats.passed, 1);
  assert.equal(stats.failed, 0);
  assert.equal(stats.held, 0);
  assert.equal(stats.verifiedKnown, 1);
  assert.equal(stats.attacks, 1);
  assert.ok(stats.joinsPerSecond >= 6);

  t.unload();
  assert.equal(t.liveRegistrations(), 0);
  assert.equal(t.limboHandlers.size, 0);
  assert.equal(t.services.size, 0);
});

test('attack mode ends after the cooldown with a summary line', async () => {
  const t = await load({ joins_per_second: 2, window: '100ms', attack_cooldown: '50ms', storage: { enabled: false } });
  for (let i = 0; i < 5; i++) await t.fire('PreLogin', preLogin(i));
  assert.equal(t.ctx.services.get('antibot')!.stats().attack, true);
  await new Promise((r) => setTimeout(r, 200));
  await t.runTasks(); // the periodic tick
  assert.equal(t.ctx.services.get('antibot')!.stats().attack, false);
  assert.ok(t.logs.some((l) => /attack mode off: summary/.test(l.msg)));
  t.unload();
});

test('storage: a verified player is saved at unload and remembered by the next instance (a reload or restart)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'antibot-index-'));
  try {
    const input: AntibotInput = { joins_per_second: 1, attack_cooldown: '1h', storage: { path: join(dir, 'verified.json') } };
    const first = await load(input);
    for (let i = 0; i < 3; i++) await first.fire('PreLogin', preLogin(i));
    const s = session('Steve');
    const handler = first.limboHandlers.get('antibot')!;
    assert.equal((await handler.onPlayerEnter(s.session)).type, 'hold-with-timeout');
    await handler.onChat!(s.session, /§l([A-Z2-9]{5})§e/.exec(s.messages[0]!)![1]!);
    first.unload();
    await plugin.teardown!();
    const saved = JSON.parse(await readFile(join(dir, 'verified.json'), 'utf8'));
    assert.equal(saved.entries.length, 1);
    assert.equal(saved.remember_by, 'name_and_ip');
    assert.equal((await stat(join(dir, 'verified.json'))).mode & 0o777, 0o600, 'it holds names and addresses');

    const second = await load(input);
    for (let i = 0; i < 3; i++) await second.fire('PreLogin', preLogin(i));
    assert.equal(second.ctx.services.get('antibot')!.stats().attack, true);
    assert.equal((await second.limboHandlers.get('antibot')!.onPlayerEnter(session('steve').session)).type, 'accept');
    assert.ok(second.logs.some((l) => /verified players loaded/.test(l.msg)));
    second.unload();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('storage: a corrupt file is logged and replaced, the plugin still loads', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'antibot-index-'));
  try {
    const file = join(dir, 'verified.json');
    await (await import('node:fs/promises')).writeFile(file, 'not json');
    const t = await load({ storage: { path: file } });
    assert.ok(t.logs.some((l) => l.level === 'warn' && /cannot be read/.test(l.msg)));
    assert.ok(t.limboHandlers.has('antibot'));
    t.unload();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('console command: antibot status prints the counters, antibot forget <player> checks them again', async () => {
  const t = await load({ joins_per_second: 1, attack_cooldown: '1h', storage: { enabled: false } });
  const replies: string[] = [];
  const source = { reply: (text: string) => void replies.push(text), hasPermission: () => true };
  const command = t.commands.get('antibot')!;
  assert.equal(command.players, undefined, 'console only');
  for (let i = 0; i < 3; i++) await t.fire('PreLogin', preLogin(i));
  const handler = t.limboHandlers.get('antibot')!;
  const s = session('Steve');
  await handler.onPlayerEnter(s.session);
  await handler.onChat!(s.session, /§l([A-Z2-9]{5})§e/.exec(s.messages[0]!)![1]!);
  await command.execute(source, []);
  assert.match(replies[0]!, /attack mode: ON/);
  assert.match(replies[0]!, /1 passed, 0 failed/);
  await command.execute(source, ['forget', 'steve']);
  assert.match(replies[1]!, /Steve|steve/);
  assert.match(replies[1]!, /checked again/);
  assert.equal((await handler.onPlayerEnter(session('Steve').session)).type, 'hold-with-timeout');
  await command.execute(source, ['bogus']);
  assert.match(replies[2]!, /^Usage/);
  t.unload();
});

test('the schema: defaults, and refusals of bad values', () => {
  const d = AntibotSchema.parse({});
  assert.equal(d.joins_per_second, 20);
  assert.equal(d.window, 1000);
  assert.equal(d.check_timeout, 30_000);
  assert.equal(d.remember_for, 86_400_000);
  assert.equal(d.remember_by, 'name_and_ip');
  assert.match(d.messages.prompt, /\{code\}/);
  assert.equal(AntibotSchema.safeParse({ code_length: 3 }).success, false);
  assert.equal(AntibotSchema.safeParse({ joins_per_second: 0 }).success, false);
  assert.equal(AntibotSchema.safeParse({ check_timeout: '0s' }).success, false);
  assert.equal(AntibotSchema.safeParse({ remember_by: 'uuid' }).success, false);
  assert.equal(AntibotSchema.safeParse({ joins_per_secnd: 5 }).success, false, 'unknown keys are refused');
});
